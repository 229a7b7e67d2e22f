// Small steps the browser tests share: screenshots, logging in, the main menu, accessibility.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

const SCREENS = "test-results/screens";

/** A full-page screenshot of a key screen (kept as evidence of the run). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
}

/** Log in through the login screen; `code` answers the second-factor step if it comes. */
export async function logIn(page: Page, email: string, password: string, code?: () => string): Promise<void> {
  await page.goto("/logowanie");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Hasło").fill(password);
  await page.getByRole("button", { name: "Zaloguj się" }).click();
  if (code) {
    await page.getByLabel("Kod z aplikacji uwierzytelniającej").fill(code());
    await page.getByRole("button", { name: "Potwierdź" }).click();
  }
  // the portal opens the screen the user was sent away from, else the dashboard
  await expect(page.getByRole("button", { name: /menu użytkownika/ })).toBeVisible();
}

export async function logOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: /menu użytkownika/ }).click();
  await page.getByRole("button", { name: "Wyloguj" }).click();
  await expect(page.getByRole("heading", { name: "Logowanie" })).toBeVisible();
}

/** Open a screen from the main menu. */
export async function menu(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole("navigation", { name: "Menu główne" }).getByRole("link", { name }).click();
}

/** No WCAG 2.1 A/AA violations axe-core can find on the screen as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
  expect(found, `accessibility problems on ${screen}`).toEqual([]);
}

/** The page fits the viewport's width (phones: nothing to scroll sideways). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "page wider than the screen").toBeLessThanOrEqual(0);
}
