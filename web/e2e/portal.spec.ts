// The portal in a real browser against the running stack: a client person activates the
// account, logs in, accepts an invitation, picks the context, opens the month's taxes and
// uploads a file (first, as they do not wait for invoices to arrive from KSeF), filters the
// invoices, asks about two of them and sees the office's reply arrive live, then assigns a
// category to them in bulk. Screenshots of the key screens go to test-results/screens/.
import { expect, test } from "@playwright/test";
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
import { expectAccessible, expectNoSidewaysScroll, menu, shot } from "./ui";

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

test("a client goes from activation through taxes, files, invoices and an inquiry to a bulk category", async ({ page }) => {
  test.setTimeout(420_000);
  const s = await seed();

  // Activation: the link from the e-mail, a new password.
  await page.goto(await linkFromMail(s.clientEmail, "/aktywacja"));
  await expect(page.getByRole("heading", { name: "Aktywacja konta" })).toBeVisible();
  await expect(page.getByText(s.clientEmail)).toBeVisible();
  await page.getByLabel("Nowe hasło").fill(PASSWORD);
  await page.getByLabel("Powtórz hasło").fill(PASSWORD);
  await shot(page, "01-aktywacja");
  await expectAccessible(page, "activation");
  await page.getByRole("button", { name: "Ustaw hasło i aktywuj" }).click();
  await expect(page.getByText("Konto jest aktywne.")).toBeVisible();
  await page.getByRole("button", { name: "Przejdź do logowania" }).click();

  // Login: one company so far, so the portal opens it right away.
  await page.getByLabel("E-mail").fill(s.clientEmail);
  await page.getByLabel("Hasło").fill(PASSWORD);
  await shot(page, "02-logowanie");
  await expectAccessible(page, "login");
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();

  // The refresh token is an HttpOnly cookie only auth's refresh path receives; scripts see no token.
  const cookies = await page.context().cookies();
  const refresh = cookies.find((c) => c.name === "rachmistrz_refresh");
  expect(refresh).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/api/auth/token/refresh" });
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  expect(stored).not.toContain(refresh!.value);
  expect(stored).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT either

  // A reload keeps the session: the cookie buys a new access token.
  await page.reload();
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();

  // The pending invitation to the second company: accept it.
  await menu(page, /Zaproszenia/);
  await expect(page.getByRole("heading", { name: s.companyB.name })).toBeVisible();
  await shot(page, "03-zaproszenia");
  await page.getByRole("button", { name: "Przyjmij" }).click();
  await expect(page.getByText(`Dołączono do: ${s.companyB.name}.`)).toBeVisible();

  // Context choice: two companies now.
  await page.getByRole("link", { name: "Wybierz organizację" }).click();
  await expect(page.getByRole("heading", { name: "Wybierz organizację" })).toBeVisible();
  await expect(page.getByRole("button", { name: new RegExp(s.companyB.name) })).toBeVisible();
  await shot(page, "04-wybor-kontekstu");
  await expectAccessible(page, "context choice");
  await page.getByRole("button", { name: new RegExp(s.companyA.name) }).click();
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();
  await expect(page.getByRole("banner").getByText(s.companyA.name)).toBeVisible();
  await shot(page, "05-pulpit");
  await expectAccessible(page, "dashboard");

  // Taxes: this month's tile, its details.
  await menu(page, "Podatki i opłaty");
  const tile = page.locator(".tile-current");
  await expect(tile).toContainText("1234,56");
  await shot(page, "09-podatki");
  await expectAccessible(page, "taxes");
  await tile.click();
  await expect(page.getByRole("button", { name: "Oznacz jako opłacone" })).toBeVisible();
  await page.getByRole("button", { name: "Oznacz jako opłacone" }).click();
  await expect(page.getByText(/Oznaczono jako opłacone/)).toBeVisible();
  await shot(page, "10-podatki-miesiac");

  // Files: upload one into the company's tab.
  await menu(page, "Pliki");
  await page.getByLabel("Prześlij plik").setInputFiles({
    name: "wyciag-bankowy.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
  });
  await expect(page.getByText("Przesłano: wyciag-bankowy.pdf.")).toBeVisible();
  await expect(page.getByRole("tab", { name: "Od firmy" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByRole("button", { name: "wyciag-bankowy.pdf" })).toBeVisible();
  await shot(page, "11-pliki");
  await expectAccessible(page, "files");

  // Invoices: the list, a filter, sorting.
  await menu(page, "Faktury");
  await expect(page.getByRole("heading", { name: "Faktury" })).toBeVisible();
  const rows = page.locator("table.invoices-table tbody tr");
  // invoices reach the list once the invoices service has taken them from Kafka
  await expect(async () => {
    await page.reload();
    await expect(rows).toHaveCount(4, { timeout: 3_000 });
  }).toPass({ timeout: 120_000 });
  await page.getByLabel("Rodzaj").selectOption("purchase");
  await expect(page.getByText("Znaleziono: 3")).toBeVisible();
  await expect(rows).toHaveCount(3);
  await page.getByLabel("Rodzaj").selectOption("");
  await expect(rows).toHaveCount(4);
  await page.getByRole("button", { name: /Brutto/ }).click();
  await expect(page.locator("th[aria-sort='descending']")).toContainText("Brutto");
  await shot(page, "06-faktury");
  await expectAccessible(page, "invoice list");

  // Select two and ask the office about them.
  const boxes = rows.locator("input[type=checkbox]");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  const panel = page.getByRole("complementary", { name: "Działania na zaznaczonych fakturach" });
  await expect(panel.getByTestId("selected-count")).toHaveText("2");
  await panel.getByRole("button", { name: "Utwórz zapytanie" }).click();
  const dialog = page.getByRole("dialog", { name: "Zapytanie o faktury" });
  await dialog.getByLabel("Temat").fill("Pytanie o paliwo");
  await dialog.getByLabel("Treść").fill("Czy te faktury mam zaakceptować?");
  await shot(page, "07-zapytanie");
  await expectAccessible(page, "inquiry dialog");
  await dialog.getByRole("button", { name: "Wyślij zapytanie" }).click();
  await expect(page.getByText("Zapytanie wysłane")).toBeVisible();

  // The office answers in the thread messaging opened; the client's open thread shows the
  // reply without a reload: it arrives over the event stream (the screen does not poll).
  const thread = await poll("the inquiry thread", async () => {
    const threads = await s.office.call<{ items: { thread: { id: string; subject: string } }[] }>(
      "GET",
      `/messaging/threads?company_id=${s.companyA.id}`,
    );
    return threads.items.find((t) => t.thread.subject.includes("Pytanie o paliwo"))?.thread;
  });
  await menu(page, /Wiadomości/);
  await page.getByRole("link", { name: /Pytanie o paliwo/ }).click();
  const conversation = page.getByRole("list", { name: "Wiadomości w wątku" });
  await expect(conversation).toContainText("Czy te faktury mam zaakceptować?");
  await expect(page.locator("html[data-messages-live]")).toBeAttached(); // the stream is open
  await s.office.call("POST", `/messaging/threads/${thread.id}/messages`, { body: "Tak, proszę je zaakceptować." });
  await expect(conversation).toContainText("Tak, proszę je zaakceptować.", { timeout: 30_000 });
  await shot(page, "08-wiadomosci");
  await expectAccessible(page, "messages");

  // Back to the invoices: assign the office's category to the two in bulk, filter by it.
  await menu(page, "Faktury");
  await expect(rows).toHaveCount(4);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await expect(panel.getByTestId("selected-count")).toHaveText("2");
  // the office's categories, which the client's company may use
  await expect(panel.getByLabel("Kategoria").getByRole("option", { name: s.category })).toBeAttached();
  await panel.getByLabel("Kategoria").selectOption({ label: s.category });
  await panel.getByRole("button", { name: "Przypisz kategorię" }).click();
  await expect(page.getByText("Przypisano kategorię do 2 faktur.")).toBeVisible();
  await page.getByRole("search").getByLabel("Kategoria").selectOption({ label: s.category });
  await expect(rows).toHaveCount(2);
  await shot(page, "07-faktury-kategoria");

  // The same list and the tax tiles on a phone: no sideways scrolling, the menu folds away.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("search").getByLabel("Kategoria").selectOption("");
  await expect(rows).toHaveCount(4);
  await expectNoSidewaysScroll(page);
  await expect(page.getByRole("navigation", { name: "Menu główne" })).toBeHidden();
  await shot(page, "13-telefon-faktury");
  await boxes.nth(0).check();
  await expect(panel).toBeVisible();
  await shot(page, "14-telefon-zaznaczone");
  await panel.getByRole("button", { name: "Odznacz wszystkie" }).click();
  await expect(panel).toBeHidden();
  await page.getByRole("button", { name: "Menu", exact: true }).click();
  await menu(page, "Podatki i opłaty");
  await expect(tile).toContainText("1234,56");
  await expectNoSidewaysScroll(page);
  await shot(page, "15-telefon-podatki");
});
