// The portal in a real browser against the running stack: a client person activates the
// account, logs in, accepts an invitation, picks the context, filters invoices and assigns a
// category in bulk, asks about them and sees the office's reply; it also opens the month's
// taxes and uploads a file (first, as they do not wait for invoices to arrive from KSeF).
// Screenshots of the key screens go to test-results/screens/.
import { expect, test, type Page } from "@playwright/test";
import {
  Api,
  PASSWORD,
  bootstrapOfficeAdmin,
  linkFromMail,
  poll,
  randomNip,
  selfSignedCertificate,
  sendInvoices,
  unique,
} from "./stack";

const SCREENS = "test-results/screens";

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

interface Seed {
  office: Api;
  companyA: { id: string; name: string };
  companyB: { id: string; name: string };
  clientEmail: string;
  category: string;
}

/** Office, two client companies (A synced from the KSeF simulator), a category, a tax item,
 * a client person of A (activation e-mail) invited to B too. */
async function seed(): Promise<Seed> {
  const officeNip = randomNip();
  const adminEmail = unique("biuro");
  bootstrapOfficeAdmin(officeNip, adminEmail);
  const office = new Api();
  await office.login(adminEmail, "office");
  const nipA = randomNip();
  const nipB = randomNip();
  const added = await office.call<{ company: { id: string; name: string } }[]>("POST", "/auth/clients", {
    clients: [
      { nip: nipA, name: `Piekarnia Testowa ${nipA}` },
      { nip: nipB, name: `Warsztat Testowy ${nipB}` },
    ],
  });
  const [companyA, companyB] = added.map((a) => a.company);
  const category = `Paliwo ${Math.random().toString(16).slice(2, 6)}`;
  await office.call("POST", "/invoices/categories", { name: category, colour: "#c62828" });

  // KSeF: the company's own certificate; the gateway learns of the company from org.* events.
  const cert = selfSignedCertificate(nipA);
  await poll("ksef-gateway to know the company", () =>
    office.call("PUT", `/ksef-gateway/companies/${companyA.id}/ksef/certificate`, cert),
  );
  // B sells three invoices to A, A sells one to B: purchases and sales for A's list.
  sendInvoices(nipB, nipA, 3, "E2E-Z-");
  sendInvoices(nipA, nipB, 1, "E2E-S-");
  await office.call("POST", `/ksef-gateway/companies/${companyA.id}/ksef/sync`);
  await poll("the gateway to fetch company A's invoices", async () => {
    const status = await office.call<{ sync: { fetched_total: number }[] }>("GET", `/ksef-gateway/companies/${companyA.id}/ksef`);
    return status.sync.reduce((n, s) => n + s.fetched_total, 0) >= 4 ? status : null;
  }, 180_000);

  const period = new Date().toISOString().slice(0, 7);
  await poll("taxes to know the company", () =>
    office.call("POST", `/taxes/companies/${companyA.id}/items`, {
      kind: "vat",
      period,
      amount_grosze: 123456,
      due_date: `${period}-25`,
    }),
  );

  const clientEmail = unique("klient");
  await office.call("POST", "/auth/members", {
    email: clientEmail,
    full_name: "Jan Klient",
    role: "client",
    org_id: companyA.id,
  });
  await office.call("POST", "/auth/invitations", { email: clientEmail, role: "client", org_id: companyB.id });
  return { office, companyA, companyB, clientEmail, category };
}

test("a client works through the portal from activation to file upload", async ({ page }) => {
  const s = await seed();

  // Activation: the link from the e-mail, a new password.
  await page.goto(await linkFromMail(s.clientEmail, "/aktywacja"));
  await expect(page.getByRole("heading", { name: "Aktywacja konta" })).toBeVisible();
  await expect(page.getByText(s.clientEmail)).toBeVisible();
  await page.getByLabel("Nowe hasło").fill(PASSWORD);
  await page.getByLabel("Powtórz hasło").fill(PASSWORD);
  await shot(page, "01-aktywacja");
  await page.getByRole("button", { name: "Ustaw hasło i aktywuj" }).click();
  await expect(page.getByText("Konto jest aktywne.")).toBeVisible();
  await page.getByRole("button", { name: "Przejdź do logowania" }).click();

  // Login: one company so far, so the portal opens it right away.
  await page.getByLabel("E-mail").fill(s.clientEmail);
  await page.getByLabel("Hasło").fill(PASSWORD);
  await shot(page, "02-logowanie");
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();

  // The pending invitation to the second company: accept it.
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: /Zaproszenia/ }).click();
  await expect(page.getByRole("heading", { name: s.companyB.name })).toBeVisible();
  await shot(page, "03-zaproszenia");
  await page.getByRole("button", { name: "Przyjmij" }).click();
  await expect(page.getByText(`Dołączono do: ${s.companyB.name}.`)).toBeVisible();

  // Context choice: two companies now.
  await page.getByRole("link", { name: "Wybierz organizację" }).click();
  await expect(page.getByRole("heading", { name: "Wybierz organizację" })).toBeVisible();
  await expect(page.getByRole("button", { name: new RegExp(s.companyB.name) })).toBeVisible();
  await shot(page, "04-wybor-kontekstu");
  await page.getByRole("button", { name: new RegExp(s.companyA.name) }).click();
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();
  await expect(page.getByRole("banner").getByText(s.companyA.name)).toBeVisible();
  await shot(page, "05-pulpit");

  // Taxes: this month's tile, its details.
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Podatki i opłaty" }).click();
  const tile = page.locator(".tile-current");
  await expect(tile).toContainText("1234,56");
  await shot(page, "09-podatki");
  await tile.click();
  await expect(page.getByRole("button", { name: "Oznacz jako opłacone" })).toBeVisible();
  await page.getByRole("button", { name: "Oznacz jako opłacone" }).click();
  await expect(page.getByText(/Oznaczono jako opłacone/)).toBeVisible();
  await shot(page, "10-podatki-miesiac");

  // Files: upload one into the company's tab.
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Pliki" }).click();
  await page.getByLabel("Prześlij plik").setInputFiles({
    name: "wyciag-bankowy.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
  });
  await expect(page.getByText("Przesłano: wyciag-bankowy.pdf.")).toBeVisible();
  await expect(page.getByRole("tab", { name: "Od firmy" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("button", { name: "wyciag-bankowy.pdf" })).toBeVisible();
  await shot(page, "11-pliki");

  // Invoices: filter, select two, assign the office's category in bulk.
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: "Faktury" }).click();
  await expect(page.getByRole("heading", { name: "Faktury" })).toBeVisible();
  const rows = page.locator("table.invoices-table tbody tr");
  // invoices reach the list once the invoices service has taken them from Kafka
  await expect(async () => {
    await page.reload();
    await expect(rows).toHaveCount(4, { timeout: 3_000 });
  }).toPass({ timeout: 120_000 });
  await page.getByLabel("Rodzaj").selectOption("purchase");
  await expect(page.getByText(/Znaleziono: \d+/)).toBeVisible();
  await page.getByLabel("Rodzaj").selectOption("");
  await page.getByRole("button", { name: /Brutto/ }).click();
  await expect(page.locator("th[aria-sort='descending']")).toContainText("Brutto");
  await shot(page, "06-faktury");
  const boxes = rows.locator("input[type=checkbox]");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const panel = page.getByRole("complementary", { name: "Działania na zaznaczonych fakturach" });
  await expect(panel.getByTestId("selected-count")).toHaveText("2");
  await panel.getByLabel("Kategoria").selectOption({ label: s.category });
  await panel.getByRole("button", { name: "Przypisz kategorię" }).click();
  await expect(page.getByText("Przypisano kategorię do 2 faktur.")).toBeVisible();
  await page.getByRole("search").getByLabel("Kategoria").selectOption({ label: s.category });
  await expect(rows).toHaveCount(2);
  await shot(page, "07-faktury-kategoria");

  // Create an inquiry about the selected invoices.
  await panel.getByRole("button", { name: "Utwórz zapytanie" }).click();
  const dialog = page.getByRole("dialog", { name: "Zapytanie o faktury" });
  await dialog.getByLabel("Temat").fill("Pytanie o paliwo");
  await dialog.getByLabel("Treść").fill("Czy te faktury mam zaakceptować?");
  await dialog.getByRole("button", { name: "Wyślij zapytanie" }).click();
  await expect(page.getByText("Zapytanie wysłane")).toBeVisible();

  // The office answers in the thread messaging opened; the client sees the reply.
  const thread = await poll("the inquiry thread", async () => {
    const threads = await s.office.call<{ items: { thread: { id: string; subject: string } }[] }>(
      "GET",
      `/messaging/threads?company_id=${s.companyA.id}`,
    );
    return threads.items.find((t) => t.thread.subject.includes("Pytanie o paliwo"))?.thread;
  });
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name: /Wiadomości/ }).click();
  await page.getByRole("link", { name: /Pytanie o paliwo/ }).click();
  await s.office.call("POST", `/messaging/threads/${thread.id}/messages`, { body: "Tak, proszę je zaakceptować." });
  await expect(page.getByText("Tak, proszę je zaakceptować.")).toBeVisible({ timeout: 30_000 });
  await shot(page, "08-wiadomosci");

});

test("the portal fits a phone-sized screen", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/logowanie");
  await expect(page.getByRole("heading", { name: "Logowanie" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, "12-telefon-logowanie");
});
