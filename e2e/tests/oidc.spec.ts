import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { signInWithSso as signInAs } from "../support/dashboard.js";
import { repoRoot, useStack } from "../support/stack.js";

// A real OIDC provider on 127.0.0.1 (the `oidc-provider` package) offered on the login page as "Local
// SSO": dora is in group deployers, adam in admins, nora in marketing (mapped to nothing).
const stack = useStack({ oidc: true });

/** Signs in through "Local SSO" as `login` (dora, adam, nora), on the way to `next`. */
function signInWithSso(page: Page, login: string, next = "/"): Promise<void> {
  return signInAs(page, stack(), login, { next });
}

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** A fresh browser (no dashboard session, no provider session), so the provider asks who you are. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

async function role(page: Page): Promise<string | undefined> {
  const res = await page.request.get(`${stack().dashboardUrl}/auth/me`);
  return res.ok() ? String(((await res.json()) as { role: string }).role) : undefined;
}

async function control(path: string) {
  const res = await fetch(`${stack().oidcIssuer}/__test__/${path}`, { method: "POST" });
  expect(res.status).toBe(204);
}

test("a deployer signs in through the provider and lands where they were going", async ({ page }) => {
  await signInWithSso(page, "dora", "/runners");
  await expect(page).toHaveURL(/\/runners$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(await role(page)).toBe("deployer");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await role(page)).toBeUndefined();
});

test("a person in no mapped group is refused with a page that says why", async ({ page }) => {
  await signInWithSso(page, "nora");
  await expect(page.getByRole("heading", { name: "No access to this Berth" })).toBeVisible();
  await expect(page.locator("body")).toContainText("no group mapped (your groups: marketing)");
  expect(await role(page)).toBeUndefined();
});

test("a key rotation mid-session breaks no sign-in; a removed group counts at the next sign-in", async ({
  browser,
}) => {
  const admin = await freshPage(browser);
  await signInWithSso(admin, "adam");
  await expect(admin.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(await role(admin)).toBe("admin");

  await control("rotate-keys");
  await admin.reload();
  await expect(admin.getByRole("button", { name: "Sign out" })).toBeVisible();
  const deployer = await freshPage(browser);
  await signInWithSso(deployer, "dora");
  await expect(deployer.getByRole("button", { name: "Sign out" })).toBeVisible();
  expect(await role(deployer)).toBe("deployer");

  await control("accounts/dora");
  const again = await freshPage(browser);
  await signInWithSso(again, "dora");
  await expect(again.getByRole("heading", { name: "No access to this Berth" })).toBeVisible();
  await expect(again.locator("body")).toContainText("your groups: none");
});

test("a next= pointing off-site signs in without leaving the dashboard", async ({ page }) => {
  await signInWithSso(page, "adam", "//evil.example/x");
  await expect(page).toHaveURL(`${stack().dashboardUrl}/`);
  expect(await role(page)).toBe("admin");
});

test("berth login --web completes through the dashboard in the browser within 3 redirects", async ({
  page,
}) => {
  await signInWithSso(page, "adam");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  const configDir = mkdtempSync(join(tmpdir(), "berth-e2e-login-"));
  // BROWSER=true: the CLI's own opener does nothing; this test's browser opens the printed address.
  const cli = spawn(
    process.execPath,
    [
      join(repoRoot, "apps/cli/bin/berth.js"),
      "login",
      "--web",
      "--server",
      stack().apiUrl,
      "--dashboard",
      stack().dashboardUrl,
    ],
    {
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1", BROWSER: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  try {
    let stdout = "";
    let stderr = "";
    cli.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = once(cli, "exit");
    const url = await new Promise<string>((resolve, reject) => {
      cli.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const found = /Opening (\S+) in your browser/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      cli.on("exit", () => reject(new Error(`berth login --web exited early: ${stderr}`)));
    });

    const redirects: string[] = [];
    page.on("response", (res) => {
      if (res.status() >= 300 && res.status() < 400) redirects.push(res.url());
    });
    await page.goto(url);
    await expect(page.getByRole("heading", { name: "Sign in the berth CLI" })).toBeVisible();
    await expect(page.locator("body")).toContainText("adam@example.com (admin)");
    await page.getByRole("button", { name: "Sign in the CLI" }).click();
    await expect(page.locator("body")).toContainText("The berth CLI is signed in");
    expect(redirects.length).toBeLessThanOrEqual(3);

    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/Logged in to .* as adam@example\.com \(local\) \(admin\)/);
  } finally {
    cli.kill();
    rmSync(configDir, { recursive: true, force: true });
  }
});

test("an admin sees who signed in through the provider and revokes them; their session ends", async ({
  browser,
}) => {
  // An earlier journey took dora out of every group; she is a deployer again.
  await control("accounts/dora?group=deployers");
  const dora = await freshPage(browser);
  await signInWithSso(dora, "dora");
  expect(await role(dora)).toBe("deployer");

  const admin = await freshPage(browser);
  await signInWithSso(admin, "adam");
  await admin.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  const table = admin.getByRole("table", { name: "Users and sessions" });
  const doraRows = table.getByRole("row", { name: /dora@example\.com/ });
  await expect(doraRows.first()).toContainText("local");
  await expect(doraRows.first()).toContainText("deployer");
  // Every way in dora has (earlier journeys of this file signed her in too).
  while ((await doraRows.count()) > 0) {
    const before = await doraRows.count();
    await admin.getByRole("button", { name: "Revoke dora@example.com" }).first().click();
    await admin.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await expect(doraRows).toHaveCount(before - 1);
  }
  expect(await role(dora)).toBeUndefined();
});
