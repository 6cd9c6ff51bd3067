// Browser-side helpers shared by the journeys: signing in and the docs screenshots.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, type Page } from "@playwright/test";
import { repoRoot, type StackInfo } from "./stack.js";

/** Signs in through the login page with the stack's admin token and waits for the dashboard. */
export async function signIn(page: Page, stack: StackInfo, next = "/"): Promise<void> {
  await page.goto(`${stack.dashboardUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Login token").fill(stack.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/**
 * Signs in through an OIDC provider of the `--oidc` stack: presses "Sign in with <provider>" on the login page
 * and fills the local provider's development login and consent forms (any password). Waits for nothing: the
 * caller expects the dashboard or a refusal page.
 */
export async function signInWithSso(
  page: Page,
  stack: StackInfo,
  login: string,
  options: { next?: string; provider?: string } = {},
): Promise<void> {
  await page.goto(`${stack.dashboardUrl}/login?next=${encodeURIComponent(options.next ?? "/")}`);
  await page.getByRole("link", { name: `Sign in with ${options.provider ?? "Local SSO"}` }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

/**
 * Opens a one-time login link and presses its "Sign in" button (opening it alone signs nobody in), then
 * waits for the dashboard.
 */
export async function signInWithLink(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login|\/auth\//);
}

/** The app's base path in the dashboard. */
export function appPath(stack: StackInfo, section = ""): string {
  return `${stack.dashboardUrl}/p/${stack.project}/a/${stack.app}${section}`;
}

const screenshotsOn = process.env.BERTH_SCREENSHOTS === "1";

/**
 * With BERTH_SCREENSHOTS=1, writes docs/screenshots/<name>-light.png and -dark.png of the page as it is now
 * (the theme is switched the way the dashboard's toggle does it); otherwise does nothing.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!screenshotsOn) return;
  const dir = join(repoRoot, "docs/screenshots");
  mkdirSync(dir, { recursive: true });
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.evaluate((dark) => document.documentElement.classList.toggle("dark", dark), theme === "dark");
    await page.waitForTimeout(150); // let transitions settle before the capture
    await page.screenshot({ path: join(dir, `${name}-${theme}.png`) });
  }
  await page.evaluate(() => document.documentElement.classList.remove("dark"));
  await page.emulateMedia({ colorScheme: "light" });
}
