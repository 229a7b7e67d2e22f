// The office in a real browser: its clients with their KSeF authorisation, reading a client
// through the office's own authorisation, and "verify again" after the client withdraws and
// grants the right in KSeF; plus what keyboard users meet on the way (focus order, the skip
// link, dialogs). Screenshots go to test-results/screens/.
import { expect, test } from "@playwright/test";
import {
  Api,
  PASSWORD,
  bootstrapOfficeAdmin,
  grantOffice,
  poll,
  randomNip,
  revokeOffice,
  selfSignedCertificate,
  unique,
} from "./stack";
import { expectAccessible, menu, shot } from "./ui";

test("the office sees its clients' KSeF status and verifies a client again", async ({ page }) => {
  test.setTimeout(300_000);
  const officeNip = randomNip();
  const adminEmail = unique("biuro");
  bootstrapOfficeAdmin(officeNip, adminEmail);
  const office = new Api();
  await office.login(adminEmail, "office");
  const nipC = randomNip();
  const [{ company }] = await office.call<{ company: { id: string; name: string } }[]>("POST", "/auth/clients", {
    clients: [{ nip: nipC, name: `Kwiaciarnia Testowa ${nipC}` }],
  });
  // the office's KSeF seal (the simulator, like KSeF TEST, accepts self-signed ones)
  const seal = selfSignedCertificate(officeNip, true);
  await poll("ksef-gateway to know the office", () => office.call("PUT", "/ksef-gateway/office/credential", seal));
  grantOffice(nipC, officeNip);

  // Keyboard only: the login form in order, Enter submits.
  await page.goto("/logowanie");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("E-mail")).toBeFocused();
  await page.keyboard.type(adminEmail);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Hasło")).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Pulpit" })).toBeVisible();

  // The skip link comes first and takes focus past the menus.
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Przejdź do treści" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();

  // The client list: a client added in a dialog joins the one added before.
  await menu(page, "Klienci i KSeF");
  await expect(page.getByRole("heading", { name: "Klienci i KSeF" })).toBeFocused();
  const nipD = randomNip();
  const addButton = page.getByRole("button", { name: "Dodaj klienta" });
  await addButton.click();
  const dialog = page.getByRole("dialog", { name: "Nowy klient" });
  await expect(dialog.getByLabel("NIP")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(addButton).toBeFocused();
  await addButton.click();
  await dialog.getByLabel("NIP").fill(nipD);
  await dialog.getByLabel("Nazwa firmy").fill(`Hurtownia Testowa ${nipD}`);
  await expectAccessible(page, "new client dialog");
  await dialog.getByRole("button", { name: "Dodaj" }).click();
  await expect(dialog).toBeHidden();
  const rowC = page.getByRole("row", { name: new RegExp(company.name) });
  const rowD = page.getByRole("row", { name: new RegExp(`Hurtownia Testowa ${nipD}`) });
  // the gateway learns of a new client from auth's org.* events
  await expect(async () => {
    await page.reload();
    await expect(rowD).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(rowC).toContainText("brak autoryzacji");
  await expect(rowD).toContainText("brak autoryzacji");

  // Client C granted the office InvoiceRead in KSeF: read it with the office's authorisation.
  await rowC.getByRole("link", { name: company.name, exact: true }).click();
  await expect(page.getByRole("heading", { name: "Autoryzacja KSeF" })).toBeVisible();
  await expect(page.getByLabel("Uprawnienie nadane biuru")).toBeChecked();
  await page.getByRole("button", { name: "Użyj uprawnienia biura" }).click();
  await expect(page.getByText("Ustawiono autoryzację przez biuro.")).toBeVisible();
  await expect(page.getByText("uprawnienie biura: aktywna")).toBeVisible();
  await expect(page.getByText(/Uprawnienia: .*InvoiceRead/)).toBeVisible();
  await shot(page, "20-biuro-autoryzacja-klienta");
  await expectAccessible(page, "client's KSeF authorisation (office)");

  // C withdraws the right in KSeF; "verify again" shows it, then C grants it once more.
  revokeOffice(nipC, officeNip);
  await menu(page, "Klienci i KSeF");
  await rowC.getByRole("button", { name: `Sprawdź ponownie: ${company.name}` }).click();
  await expect(page.getByText(`Sprawdzono: ${company.name}.`)).toBeVisible();
  await expect(rowC).toContainText("uprawnienie biura: brak uprawnień");
  await shot(page, "21-biuro-klienci-brak-uprawnien");
  grantOffice(nipC, officeNip);
  await page.getByRole("button", { name: "Sprawdź wszystkich ponownie" }).click();
  await expect(page.getByText(/Sprawdzono uprawnienia \d+ klientów\./)).toBeVisible();
  await expect(rowC).toContainText("uprawnienie biura: aktywna");
  await expect(rowD).toContainText("brak autoryzacji");
  await shot(page, "22-biuro-klienci");
  await expectAccessible(page, "office clients");

  // Filtering the list by NIP.
  await page.getByLabel("Szukaj klienta").fill(nipD);
  await expect(rowD).toBeVisible();
  await expect(rowC).toBeHidden();
});

test("the login screen fits a phone and meets WCAG AA", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto("/logowanie");
  await expect(page.getByRole("heading", { name: "Logowanie" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expectAccessible(page, "login on a phone");
  await shot(page, "12-telefon-logowanie");
});
