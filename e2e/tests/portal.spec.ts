// The developer portal as a newcomer uses it: devi, new to the team and in group `developers` at the local OIDC
// provider (mapped to deployer), signs in through it, follows Get started to a working CLI (this test runs the
// printed commands), finds an app by its owner, and makes and revokes a personal token.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { signInWithSso } from "../support/dashboard.js";
import { callApi, repoRoot, useStack } from "../support/stack.js";

const stack = useStack({ oidc: true });

test.beforeAll(async () => {
  // Two apps with catalog entries, as `berth up` would declare them from their berth.hcl.
  for (const [app, owner] of [
    ["web", "team-storefront"],
    ["api", "team-core"],
  ] as const) {
    await callApi(stack(), "ProjectService/UpsertApplication", {
      app: { project: "shop", app },
      labels: { tier: app },
      configJson: JSON.stringify({ owner, description: `The shop's ${app}` }),
    });
  }
});

/** Runs one shell command line as a person would paste it, in a clone of the repository. */
async function runPasted(command: string, configDir: string) {
  const child = spawn("sh", ["-c", command], {
    cwd: repoRoot,
    env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** Calls WhoAmI with a token: the HTTP status says whether the server accepts it, the body as whom. */
async function whoAmI(token: string): Promise<{ status: number; role?: string; email?: string }> {
  const res = await fetch(`${stack().apiUrl}/berth.v1.AuthService/WhoAmI`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
  });
  if (!res.ok) return { status: res.status };
  const body = (await res.json()) as { token?: { role?: string; identity?: { email?: string } } };
  return { status: res.status, role: body.token?.role, email: body.token?.identity?.email };
}

/** Signs devi in through "Local SSO" on her way to `next` and waits for the dashboard. */
async function signInAsDevi(page: Page, next: string): Promise<void> {
  await signInWithSso(page, stack(), "devi", { next });
  await expect(page).toHaveURL(new RegExp(`${next}$`));
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

test("Get started prints commands that give devi a working berth CLI, as herself", async ({ page }) => {
  await signInAsDevi(page, "/get-started");
  await expect(page.getByRole("heading", { name: "Get started" })).toBeVisible();
  await expect(page.locator("body")).toContainText("command line as devi@example.com (local) (deployer)");
  const login = page.getByRole("figure", { name: "Login command" });
  await expect(login).toContainText(`--server ${stack().apiUrl}`);
  await page.getByRole("button", { name: "Create a login code" }).click();
  await expect(login).toContainText(/--code berthc_\S+$/);
  const loginCommand = (await login.textContent()) ?? "";
  const statusCommand = (await page.getByRole("figure", { name: "Status command" }).textContent()) ?? "";
  expect(statusCommand).toBe("npx berth status --project shop");

  const configDir = mkdtempSync(join(tmpdir(), "berth-e2e-get-started-"));
  try {
    // The CLI says whom the server knows it as: devi (her provider identity), with her role.
    const loggedIn = await runPasted(loginCommand, configDir);
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stdout).toMatch(/Logged in to \S+ as berth CLI of devi@example\.com \(deployer\)/);
    const status = await runPasted(statusCommand, configDir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("shop/web");
    expect(status.stdout).toContain("shop/api");
    // It is devi's deployer login, not an admin's: listing every token is refused.
    const tokens = await runPasted("npx berth token list", configDir);
    expect(tokens.code).not.toBe(0);
    expect(tokens.stderr).toContain(
      'needs role admin or higher; token "berth CLI of devi@example.com" has role deployer',
    );
    // The code worked once: pasting the same line again is refused.
    const again = await runPasted(loginCommand, configDir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("refused the code");
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }

  // The CLI's login is one of devi's tokens, revocable from her tokens page.
  await page.goto(`${stack().dashboardUrl}/tokens`);
  await expect(page.getByRole("row", { name: /^berth CLI of devi@example\.com/ })).toBeVisible();
});

test("an app is found by its owner in the catalog and in the command palette", async ({ page }) => {
  await signInAsDevi(page, "/catalog");
  const apps = page.getByRole("list", { name: "Apps" });
  await expect(apps.getByRole("listitem")).toHaveCount(2);
  await page.getByRole("combobox", { name: "Filter by owner" }).selectOption("team-core");
  await expect(apps.getByRole("listitem")).toHaveCount(1);
  await expect(apps.getByRole("listitem", { name: "shop/api" })).toContainText("owner: team-core");
  await expect(page).toHaveURL(/owner=team-core/);

  await page.keyboard.press("Control+k");
  await page.getByPlaceholder("Jump to an app, page, or paste a SHA…").fill("team-storefront");
  await page.getByRole("option", { name: /shop\/web/ }).click();
  await expect(page).toHaveURL(/\/p\/shop\/a\/web$/);
});

test("devi's personal token: up to deployer, shown once, works as her, refused once revoked", async ({
  page,
}) => {
  await signInAsDevi(page, "/tokens");
  // Her role is the ceiling: the form offers no admin, and the API refuses one asked for directly.
  const roles = page.getByRole("combobox", { name: "Role" });
  await expect(roles.getByRole("option")).toHaveText(["viewer", "deployer"]);
  const adminAsked = await page.evaluate(async () => {
    const me = (await (await fetch("/auth/me")).json()) as { csrfToken: string };
    const res = await fetch("/api/berth.v1.AuthService/CreatePersonalToken", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
      body: JSON.stringify({ name: "too-much", role: "ROLE_ADMIN", ttlSeconds: 86_400 }),
    });
    return { status: res.status, body: await res.text() };
  });
  expect(adminAsked.status).toBe(403);
  expect(adminAsked.body).toContain("field role: admin is more than your own role (deployer)");

  await page.getByRole("textbox", { name: "Name" }).fill("ci-e2e");
  await roles.selectOption("deployer");
  await page.getByRole("combobox", { name: "Expires after" }).selectOption({ label: "7 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByLabel("New token", { exact: true }).textContent()) ?? "";
  expect(secret).toMatch(/^berth_/);
  expect(await whoAmI(secret)).toEqual({ status: 200, role: "ROLE_DEPLOYER", email: "devi@example.com" });
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByLabel("New token", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("row", { name: "too-much" })).toHaveCount(0);

  const row = page.getByRole("row", { name: "ci-e2e" });
  await row.getByRole("button", { name: "Revoke ci-e2e" }).click();
  await page.getByRole("dialog", { name: "Revoke token" }).getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  expect((await whoAmI(secret)).status).toBe(401);
});
