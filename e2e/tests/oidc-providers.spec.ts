import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { signIn, signInWithSso } from "../support/dashboard.js";
import { useStack } from "../support/stack.js";

// Sign-in providers managed in the dashboard: an admin adds the local OIDC provider (the `oidc-provider`
// package on 127.0.0.1) as "Team SSO", tests it, and a person signs in through it at once; disabled, it
// leaves the login page. A deployer sees no such page and the API refuses them.
const stack = useStack({ oidc: true });

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** Signs in as `login` through the provider shown as `name` and waits for the dashboard. */
async function signInWith(page: Page, name: string, login: string) {
  await signInWithSso(page, stack(), login, { provider: name });
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test("an admin adds a provider, tests it, people sign in through it at once, and disabling it takes it off the login page", async ({
  page,
  browser,
}) => {
  const { oidcIssuer, oidcClient } = stack();
  await signIn(page, stack());
  await page.getByRole("link", { name: "Sign-in", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Sign-in providers" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Providers from the OIDC file" })).toContainText(
    "Local SSO local (from file)",
  );

  await page.getByRole("button", { name: "Add provider" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a sign-in provider" });
  await dialog.getByLabel("Provider id").fill("team");
  await dialog.getByLabel("Display name").fill("Team SSO");
  await dialog.getByLabel("Issuer URL").fill(oidcIssuer!);
  await dialog.getByLabel("Client ID").fill(oidcClient!.id);
  await dialog.getByLabel("Client secret").fill(oidcClient!.secret);
  await dialog.getByLabel("Scopes").fill("openid email groups");
  await dialog.getByLabel("Rule 1 value").fill("deployers");
  await dialog.getByRole("button", { name: "Add provider" }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByRole("region", { name: "Team SSO" });
  await expect(card).toContainText("enabled");
  await expect(card).toContainText("Client secret");
  await expect(card).not.toContainText(oidcClient!.secret);
  await card.getByRole("button", { name: "Test Team SSO" }).click();
  await expect(card.getByRole("status")).toContainText("Discovery works");

  // No restart: the login page offers it, and dora signs in through it as a deployer.
  const dora = await freshPage(browser);
  await signInWith(dora, "Team SSO", "dora");
  const me = (await (await dora.request.get(`${stack().dashboardUrl}/auth/me`)).json()) as Record<
    string,
    unknown
  >;
  expect(me).toMatchObject({ role: "deployer", provider: "team" });

  await card.getByRole("button", { name: "Who signed in" }).click();
  await expect(card.getByRole("table", { name: "People who signed in through Team SSO" })).toContainText(
    "dora@example.com",
  );

  await card.getByRole("button", { name: "Disable Team SSO" }).click();
  await expect(card).toContainText("disabled");
  const later = await freshPage(browser);
  await later.goto(`${stack().dashboardUrl}/login`);
  await expect(later.getByRole("link", { name: "Sign in with Local SSO" })).toBeVisible();
  await expect(later.getByRole("link", { name: "Sign in with Team SSO" })).toHaveCount(0);
});

test("a deployer sees no sign-in providers page and the API refuses them", async ({ page }) => {
  await signInWith(page, "Local SSO", "dora");
  await expect(page.getByRole("link", { name: "Runners" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign-in", exact: true })).toHaveCount(0);

  await page.goto(`${stack().dashboardUrl}/settings/sign-in`);
  await expect(page.getByText("Only admins manage sign-in providers")).toBeVisible();
  const status = await page.evaluate(async () => {
    const me = (await (await fetch("/auth/me")).json()) as { csrfToken: string };
    const res = await fetch("/api/berth.v1.OidcProviderService/ListOidcProviders", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
      body: "{}",
    });
    return res.status;
  });
  expect(status).toBe(403);
});
