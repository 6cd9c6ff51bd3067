// The developer portal as a newcomer uses it: Get started gives a working CLI (this test runs the printed
// commands), personal tokens are made and revoked, and an app is found by its owner.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { signIn } from "../support/dashboard.js";
import { callApi, repoRoot, useStack } from "../support/stack.js";

const stack = useStack();

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

/** Calls WhoAmI with a token; the HTTP status says whether the server accepts it. */
async function whoAmIStatus(token: string): Promise<number> {
  const res = await fetch(`${stack().apiUrl}/berth.v1.AuthService/WhoAmI`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: "{}",
  });
  return res.status;
}

test("Get started prints commands that give a working berth CLI", async ({ page }) => {
  await signIn(page, stack(), "/get-started");
  await expect(page.getByRole("heading", { name: "Get started" })).toBeVisible();
  const login = page.getByRole("figure", { name: "Login command" });
  await expect(login).toContainText(`--server ${stack().apiUrl}`);
  await page.getByRole("button", { name: "Create a login code" }).click();
  await expect(login).toContainText(/--code berthc_\S+$/);
  const loginCommand = (await login.textContent()) ?? "";
  const statusCommand = (await page.getByRole("figure", { name: "Status command" }).textContent()) ?? "";
  expect(statusCommand).toBe("npx berth status --project shop");

  const configDir = mkdtempSync(join(tmpdir(), "berth-e2e-get-started-"));
  try {
    const loggedIn = await runPasted(loginCommand, configDir);
    expect(loggedIn.code, loggedIn.stderr).toBe(0);
    expect(loggedIn.stdout).toMatch(/Logged in/);
    const status = await runPasted(statusCommand, configDir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("web");
    // The code worked once: pasting the same line again is refused.
    const again = await runPasted(loginCommand, configDir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("refused the code");
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }

  // The CLI's login is one of the person's tokens, revocable from the tokens page.
  await page.goto(`${stack().dashboardUrl}/tokens`);
  await expect(page.getByRole("row", { name: /^berth CLI of / })).toBeVisible();
});

test("a personal token is shown once, works, and is refused once revoked", async ({ page }) => {
  await signIn(page, stack(), "/tokens");
  await page.getByRole("textbox", { name: "Name" }).fill("ci-e2e");
  await page.getByRole("combobox", { name: "Expires after" }).selectOption({ label: "7 days" });
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByLabel("New token", { exact: true }).textContent()) ?? "";
  expect(secret).toMatch(/^berth_/);
  expect(await whoAmIStatus(secret)).toBe(200);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByLabel("New token", { exact: true })).toHaveCount(0);

  const row = page.getByRole("row", { name: "ci-e2e" });
  await row.getByRole("button", { name: "Revoke ci-e2e" }).click();
  await page.getByRole("dialog", { name: "Revoke token" }).getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
  expect(await whoAmIStatus(secret)).toBe(401);
});

test("an app is found by its owner in the catalog and in the command palette", async ({ page }) => {
  await signIn(page, stack(), "/catalog");
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
