// A company administrator in a real browser: the KSeF authorisation screen (a KSeF token, the
// signed-XML round trip, the company's certificate), issuing a sales invoice that KSeF
// accepts with a KSeF number, and the account settings (password, second factor, e-mail
// notifications). Screenshots go to test-results/screens/.
import { expect, test, type Page } from "@playwright/test";
import {
  Api,
  PASSWORD,
  bootstrapOfficeAdmin,
  ksefToken,
  linkFromMail,
  poll,
  randomNip,
  selfSignedCertificate,
  signAuthRequest,
  totpCode,
  unique,
} from "./stack";
import { expectAccessible, logIn, logOut, menu, shot } from "./ui";

const NEW_PASSWORD = "Nowe-Haslo-Do-Portalu-7";

interface Owner {
  email: string;
  company: { id: string; name: string; nip: string };
}

/** An office, its client company (with an address, the seller's on invoices) and the
 * company's owner, activated through the e-mailed link. */
async function seed(): Promise<Owner> {
  const officeNip = randomNip();
  const adminEmail = unique("biuro");
  bootstrapOfficeAdmin(officeNip, adminEmail);
  const office = new Api();
  await office.login(adminEmail, "office");
  const nip = randomNip();
  const [{ company }] = await office.call<{ company: { id: string; name: string; nip: string } }[]>("POST", "/auth/clients", {
    clients: [{ nip, name: `Stolarnia Testowa ${nip}`, address: "ul. Leśna 5, 00-950 Warszawa" }],
  });
  const email = unique("wlasciciel");
  await office.call("POST", "/auth/members", { email, full_name: "Ewa Właścicielka", role: "admin", org_id: company.id });
  const link = await linkFromMail(email, "/aktywacja");
  const token = decodeURIComponent(new URL(link, "http://x").searchParams.get("token") ?? "");
  await new Api().call("POST", "/auth/activation", { token, password: PASSWORD });
  // the gateway and invoices learn of the company from auth's org.* events
  const owner = new Api();
  await owner.login(email, "company");
  await poll("ksef-gateway to know the company", () => owner.call("GET", `/ksef-gateway/companies/${company.id}/ksef`));
  return { email, company };
}

async function authorisation(page: Page, method: string) {
  await page.getByRole("radio", { name: method }).check();
}

test("a company administrator authorises KSeF three ways, issues an invoice and manages the account", async ({ page }) => {
  test.setTimeout(360_000);
  const s = await seed();
  await logIn(page, s.email, PASSWORD);

  // KSeF authorisation with a KSeF token made in KSeF.
  await menu(page, "Autoryzacja KSeF");
  await expect(page.getByRole("heading", { name: "Autoryzacja KSeF" })).toBeVisible();
  await expect(page.getByText("brak autoryzacji")).toBeVisible();
  await authorisation(page, "Token KSeF");
  await page.locator("input#ksef-token").fill(ksefToken(s.company.nip));
  await shot(page, "30-ksef-token");
  await expectAccessible(page, "KSeF authorisation");
  await page.getByRole("button", { name: "Zapisz token" }).click();
  await expect(page.getByText("Token zapisany; połączenie z KSeF sprawdzone.")).toBeVisible();
  await expect(page.getByText("token KSeF: aktywna")).toBeVisible();

  // The external signature: download the request, sign it as the company would, upload it.
  await authorisation(page, "Podpis zewnętrzny (XML)");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Pobierz plik XML do podpisu" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("AuthTokenRequest.xml");
  const unsigned = await readDownload(download);
  expect(unsigned).toContain(`<Nip>${s.company.nip}</Nip>`);
  await page.getByLabel("Prześlij podpisany plik").setInputFiles({
    name: "AuthTokenRequest.signed.xml",
    mimeType: "application/xml",
    buffer: Buffer.from(signAuthRequest(unsigned, s.company.nip)),
  });
  await expect(page.getByText("Podpisany plik przyjęty; zalogowano do KSeF.")).toBeVisible();
  await expect(page.getByText("podpis zewnętrzny: aktywna")).toBeVisible();
  await shot(page, "31-ksef-podpis-xml");

  // The company's own certificate and key, as files.
  await authorisation(page, "Certyfikat");
  const cert = selfSignedCertificate(s.company.nip);
  await page.getByLabel("Certyfikat KSeF (.crt, .pem)").setInputFiles({
    name: "firma.crt",
    mimeType: "application/x-pem-file",
    buffer: Buffer.from(cert.certificate_pem),
  });
  await page.getByLabel("Klucz prywatny (.key, .pem)").setInputFiles({
    name: "firma.key",
    mimeType: "application/x-pem-file",
    buffer: Buffer.from(cert.private_key_pem),
  });
  await page.getByRole("button", { name: "Zapisz certyfikat" }).click();
  await expect(page.getByText("Certyfikat zapisany; połączenie z KSeF sprawdzone.")).toBeVisible();
  await expect(page.getByText("certyfikat: aktywna")).toBeVisible();
  await shot(page, "32-ksef-certyfikat");

  // Issue a sales invoice and watch it reach KSeF.
  await menu(page, "Wystaw fakturę");
  await expect(page.getByRole("heading", { name: "Wystaw fakturę sprzedaży" })).toBeVisible();
  const buyerNip = randomNip();
  await page.getByLabel("NIP nabywcy").fill(buyerNip);
  await page.getByLabel("Nazwa nabywcy").fill("Sklep Meblowy Sp. z o.o.");
  await page.getByLabel("Adres nabywcy").fill("ul. Długa 1, 31-147 Kraków");
  await page.getByLabel("Adres sprzedawcy").fill("ul. Leśna 5, 00-950 Warszawa");
  await page.getByLabel("Nazwa towaru lub usługi").fill("Stół dębowy");
  await page.getByLabel("Ilość").fill("2");
  await page.getByLabel("Cena netto").fill("1250,00");
  await shot(page, "33-wystaw-fakture");
  await expectAccessible(page, "issuing form");
  await page.getByRole("button", { name: "Wystaw i wyślij do KSeF" }).click();
  const sent = page.getByRole("region", { name: /^Faktura/ });
  await expect(sent.getByText("przyjęta przez KSeF")).toBeVisible({ timeout: 120_000 });
  await expect(sent.getByText(/Numer KSeF:/)).toContainText(s.company.nip);
  await expect(sent.getByRole("button", { name: "Pobierz UPO" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Ostatnio wystawione" })).toContainText("Sklep Meblowy Sp. z o.o.");
  await shot(page, "34-faktura-przyjeta");

  // Account: e-mail notifications are saved and come back after a reload.
  await page.getByRole("button", { name: /menu użytkownika/ }).click();
  await page.getByRole("button", { name: "Moje konto i hasło" }).click();
  await expect(page.getByRole("heading", { name: "Moje konto" })).toBeVisible();
  const notifications = page.getByRole("group", { name: "Wysyłaj mi e-mail, gdy:" });
  const first = notifications.getByRole("checkbox").first();
  await expect(first).toBeVisible();
  const was = await first.isChecked();
  await first.setChecked(!was);
  await page.getByRole("button", { name: "Zapisz" }).click();
  await expect(page.getByText("Zapisano ustawienia powiadomień.")).toBeVisible();
  await page.reload();
  await expect(notifications.getByRole("checkbox").first()).toBeChecked({ checked: !was });
  await expectAccessible(page, "account");

  // The second factor: turn it on with a code from the "app", log in with it, turn it off.
  await page.getByRole("button", { name: "Włącz drugi składnik" }).click();
  const secret = (await page.locator(".card code").first().textContent())?.trim() ?? "";
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await expect(page.getByRole("img", { name: "Kod QR do aplikacji uwierzytelniającej" })).toBeVisible();
  await page.getByLabel("Kod z aplikacji").fill(totpCode(secret));
  await shot(page, "35-konto-drugi-skladnik");
  await page.getByRole("button", { name: "Potwierdź i włącz" }).click();
  await expect(page.getByText(/Drugi składnik włączony/)).toBeVisible();
  await expect(page.getByText("Drugi składnik jest włączony.")).toBeVisible();
  await logOut(page);
  await logIn(page, s.email, PASSWORD, () => totpCode(secret));
  await page.goto("/konto");
  await page.getByRole("region", { name: "Drugi składnik logowania" }).getByLabel("Hasło").fill(PASSWORD);
  await page.getByLabel("Kod z aplikacji").fill(totpCode(secret, 1));
  await page.getByRole("button", { name: "Wyłącz drugi składnik" }).click();
  await expect(page.getByRole("button", { name: "Włącz drugi składnik" })).toBeVisible();

  // The password: a wrong current one is refused in Polish, the right one changes it.
  await page.getByLabel("Obecne hasło").fill("to-nie-jest-moje-haslo");
  await page.getByLabel("Nowe hasło", { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel("Powtórz nowe hasło").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Zmień hasło" }).click();
  await expect(page.getByRole("region", { name: "Zmiana hasła" }).getByRole("alert")).toBeVisible();
  await page.getByLabel("Obecne hasło").fill(PASSWORD);
  await page.getByRole("button", { name: "Zmień hasło" }).click();
  await expect(page.getByText("Hasło zmienione.", { exact: false })).toBeVisible();
  await shot(page, "36-konto");
  await logOut(page);
  await logIn(page, s.email, NEW_PASSWORD);
});

async function readDownload(download: import("@playwright/test").Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
