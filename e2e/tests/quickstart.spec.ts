import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { screenshot, signInWithLink } from "../support/dashboard.js";
import { getApp, repoRoot } from "../support/stack.js";

interface Started {
  child: ChildProcess;
  output: () => string;
  link: string;
  appUrl: string;
  /** The printed CLI login line's arguments after `npx berth`. */
  cliLogin: string[];
}

/** The README's first command, on free ports and a temp data dir, in its own process group (like a terminal). */
async function npmStart(dataDir: string): Promise<Started> {
  const child = spawn(
    "npm",
    ["start", "--", "--data-dir", dataDir, "--bff-port", "0", "--api-port", "0", "--router-port", "0"],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const deadline = Date.now() + 120_000;
  while (!/Press Ctrl-C to stop/.test(out)) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      // Take the whole group down (apps included) before failing, so nothing outlives the test.
      process.kill(-child.pid!, "SIGINT");
      await Promise.race([once(child, "exit"), new Promise((r) => setTimeout(r, 15_000))]);
      throw new Error(`npm start was not ready in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const link = /Sign in\s+(http:\/\/\S+\/auth\/magic\/\S+)/.exec(out)?.[1];
  const appUrl = /App\s+(http:\/\/\S+)/.exec(out)?.[1];
  const cliLine = /CLI\s+npx berth (login [^\n]*--code \S+)/.exec(out)?.[1];
  if (!link || !appUrl || !cliLine) throw new Error(`no login link, app URL or CLI line in:\n${out}`);
  return { child, output: () => out, link, appUrl, cliLogin: cliLine.split(" ") };
}

/** `npx berth <args>` from the repository, as a newcomer types it (their own config dir). */
function npxBerth(
  args: string[],
  configDir: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      "npx",
      ["berth", ...args],
      { cwd: repoRoot, env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** Ctrl-C as a terminal sends it (to the whole foreground group); resolves once npm has exited. */
async function ctrlC(started: Started): Promise<void> {
  const exited = once(started.child, "exit");
  process.kill(-started.child.pid!, "SIGINT");
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  // npm itself ends by the signal (as in a terminal); the quickstart below it must have stopped cleanly.
  expect(code === 0 || signal === "SIGINT", `npm exited with ${code ?? signal}`).toBe(true);
  expect(started.output()).toContain("Stopped.");
}

/** Live processes working inside the data dir: app instances and their entrypoints run from there. */
function processesUsing(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to inspect.
    }
  }
  return found;
}

let dataDir: string;
let configDir: string;
test.beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "berth-quickstart-e2e-"));
  configDir = mkdtempSync(join(tmpdir(), "berth-quickstart-cli-"));
});
test.afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}-apps`, { recursive: true, force: true });
  rmSync(configDir, { recursive: true, force: true });
});

test("npm start brings up a dashboard with the demo app live; Ctrl-C stops it all; a rerun keeps history", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const first = await npmStart(dataDir);
  try {
    expect(first.output()).toContain("Deploying the demo app");
    const served = JSON.parse((await getApp(first.appUrl)).body) as { version: string };
    expect(served.version).toBe("2.0.0");
    // Both deployments run (2 instances each, entrypoint + app): what Ctrl-C must stop.
    expect(processesUsing(dataDir).length).toBeGreaterThanOrEqual(4);

    // The one-time link signs the browser in (through its interstitial) and lands on the dashboard.
    await signInWithLink(page, first.link);
    await page.getByRole("link", { name: "examples" }).first().click();
    await page.getByRole("link", { name: "hello-node" }).first().click();
    await expect(page.getByRole("heading", { name: "hello-node" })).toBeVisible();
    await expect(page.getByText("v2").first()).toBeVisible();
    await expect(page.getByText(/healthy/i).first()).toBeVisible();
    await screenshot(page, "overview");
    // A login link works once.
    await page.goto(first.link);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("body")).toContainText("expired or was already used");

    // A way back in after signing out: the printed CLI line logs a newcomer's CLI in with a one-time code
    // (no token on screen), and `berth login-link` prints a fresh dashboard link.
    await page.goto(new URL("/", first.link).href);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    const login = await npxBerth(first.cliLogin, configDir);
    expect(login.stderr, login.stderr).toBe("");
    expect(login.stdout).toContain("(admin)");
    const again = await npxBerth(first.cliLogin, configDir);
    expect(again.code, "the printed code works once").toBe(1);
    const linkRun = await npxBerth(["login-link"], configDir);
    expect(linkRun.code, linkRun.stderr).toBe(0);
    const fresh = linkRun.stdout.trim();
    expect(fresh).toMatch(/\/auth\/magic\/berthc_\S+$/);
    await signInWithLink(page, fresh);
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  } finally {
    await ctrlC(first);
  }
  expect(processesUsing(dataDir)).toEqual([]);

  // Again on the same data dir: nothing is redeployed, the instances come back, history is kept.
  const second = await npmStart(dataDir);
  try {
    expect(second.output()).toContain("Reusing");
    expect(second.output()).not.toContain("Deploying the demo app");
    const served = JSON.parse((await getApp(second.appUrl)).body) as { version: string };
    expect(served.version).toBe("2.0.0");
  } finally {
    await ctrlC(second);
  }
  expect(processesUsing(dataDir)).toEqual([]);
});
