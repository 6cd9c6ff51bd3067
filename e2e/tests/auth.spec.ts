import { expect, test } from "@playwright/test";
import { screenshot, signIn } from "../support/dashboard.js";
import { useStack } from "../support/stack.js";

const stack = useStack();

test("every view redirects to the login page without a session", async ({ page }) => {
  for (const path of ["/", "/p/shop/a/web/deployments", "/p/shop/a/web/logs", "/jobs", "/audit"]) {
    await page.goto(`${stack().dashboardUrl}${path}`);
    await expect(page).toHaveURL(/\/login/);
    // The login page brings the user back where they were going ("/" is the default).
    expect(new URL(page.url()).searchParams.get("next")).toBe(path === "/" ? null : path);
    await expect(page.getByRole("heading", { name: "Sign in to Berth" })).toBeVisible();
  }
  await screenshot(page, "login");
});

test("a wrong token shows an error and no session", async ({ page }) => {
  await page.goto(`${stack().dashboardUrl}/login`);
  await page.getByLabel("Login token").fill("berth_not-a-real-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not accepted");
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get(`${stack().dashboardUrl}/auth/me`)).status()).toBe(401);
});

test("signing in lands on the page asked for; signing out ends the session", async ({ page }) => {
  await signIn(page, stack(), "/runners");
  await expect(page).toHaveURL(/\/runners$/);
  expect((await page.request.get(`${stack().dashboardUrl}/auth/me`)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await page.request.get(`${stack().dashboardUrl}/auth/me`)).status()).toBe(401);
  await page.goto(`${stack().dashboardUrl}/runners`);
  await expect(page).toHaveURL(/\/login\?next=%2Frunners/);
});

test("a login link signs in only when its Sign in button is pressed, and only once", async ({ page }) => {
  const { loginLink } = stack();
  // The link names the dashboard "localhost", like the quickstart prints it: the cookie belongs there.
  const dashboardUrl = new URL(loginLink).origin;
  // Opening the link (what a mail scanner's GET does) shows a page and signs nobody in.
  await page.goto(loginLink);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  expect((await page.request.get(`${dashboardUrl}/auth/me`)).status()).toBe(401);
  // A GET that follows redirects, like a scanner, leaves the link usable.
  expect((await page.request.get(loginLink)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${dashboardUrl}/`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect((await page.request.get(`${dashboardUrl}/auth/me`)).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto(loginLink);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("body")).toContainText("expired or was already used");
});

test("the sign-in page says how to get a link", async ({ page }) => {
  await page.goto(`${stack().dashboardUrl}/login`);
  await expect(page.getByRole("region", { name: "Sign in with a link" })).toContainText(
    "run berth login-link with a CLI signed in as an admin",
  );
});
