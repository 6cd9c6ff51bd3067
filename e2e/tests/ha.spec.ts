import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { pollApp } from "../support/app-poller.js";
import { appPath, signIn } from "../support/dashboard.js";
import { eventually, getApp, repoRoot, useStack } from "../support/stack.js";

// The HA quickstart's stack (`npm start -- --ha`): three replicas on a fresh PostgreSQL database, the router and
// the BFF given all three. The replica the BFF and the router use first is SIGKILLed mid-journey.
const stack = useStack({ ha: true });

interface ListedReplica {
  apiUrl: string;
  alive?: boolean;
  stoppedAt?: string;
}

/** `berth replicas --json` (the real CLI bundle) against the given addresses, with the stack's admin token. */
function berthReplicas(servers: string[]): Promise<ListedReplica[]> {
  const configDir = mkdtempSync(join(tmpdir(), "berth-e2e-cli-"));
  return new Promise<ListedReplica[]>((resolve, reject) => {
    execFile(
      process.execPath,
      [join(repoRoot, "apps/cli/bin/berth.js"), "replicas", "--json"],
      {
        env: {
          ...process.env,
          BERTH_SERVER: servers.join(","),
          BERTH_TOKEN: stack().token,
          BERTH_CONFIG_DIR: configDir,
          NO_COLOR: "1",
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) =>
        err ? reject(new Error(`berth replicas: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    );
  }).finally(() => rmSync(configDir, { recursive: true, force: true }));
}

async function servedVersion(): Promise<string> {
  const res = await getApp(stack().appUrl);
  return (JSON.parse(res.body) as { version: string }).version;
}

/** Opens a deployment page, clicks an action and confirms it in the dialog. */
async function act(page: Page, seq: number, action: "Release" | "Roll back", confirm: string) {
  await page.goto(`${appPath(stack())}/deployments/v${seq}`);
  await page.getByRole("button", { name: action, exact: true }).click();
  const dialog = page.getByRole("dialog", { name: action });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: confirm }).click();
  await expect(dialog).toBeHidden();
}

test("a replica SIGKILLed under the dashboard: release and rollback still work, the app never fails a request", async ({
  page,
}) => {
  const [v1, v2] = stack().commits;
  const [first, ...others] = stack().replicas ?? [];
  if (!v1 || !v2 || !first || others.length !== 2)
    throw new Error("the HA stack should have 3 replicas and 2 commits");
  expect(await servedVersion()).toBe(v2.version);
  const before = await berthReplicas(others.map((r) => r.apiUrl));
  expect(before.filter((r) => r.alive)).toHaveLength(3);

  await signIn(page, stack(), `/p/${stack().project}/a/${stack().app}/deployments`);
  const deployments = page.getByRole("table", { name: "Deployments" });
  await expect(deployments.getByRole("row", { name: "v2", exact: true })).toBeVisible();

  // A visitor polling every 20 ms (at most 5,000 requests) from before the kill to the end.
  const visitor = pollApp(stack().appUrl);
  process.kill(first.pid, "SIGKILL");

  // The other replicas list it as dead once its beats stop (3 missed beats of 2 s).
  await eventually(async () => {
    const listed = await berthReplicas(others.map((r) => r.apiUrl));
    const dead = listed.find((r) => r.apiUrl === first.apiUrl);
    expect(dead, `replica ${first.apiUrl} in ${JSON.stringify(listed)}`).toBeDefined();
    expect(dead?.alive ?? false).toBe(false);
    expect(dead?.stoppedAt).toBeUndefined();
    expect(listed.filter((r) => r.alive)).toHaveLength(2);
  }, 30_000);

  // The dashboard, whose first address is the dead replica, carries on with the next.
  await page.reload();
  await expect(deployments.getByRole("row", { name: "v1", exact: true })).toBeVisible();

  await act(page, 2, "Roll back", "Roll back to v1");
  await eventually(async () => expect(await servedVersion()).toBe(v1.version));
  await act(page, 2, "Release", "Release v2");
  await eventually(async () => expect(await servedVersion()).toBe(v2.version));

  await page.goto(`${appPath(stack())}/releases`);
  const rows = page.getByRole("table", { name: "Releases" }).getByTestId("release-row");
  // berth up released v1 and v2; after the kill the dashboard rolled back to v1 and released v2 again.
  await expect(rows).toHaveCount(4);
  const rollback = rows.filter({ hasText: "#3" });
  await expect(rollback).toContainText("v1");
  await expect(rollback).toContainText("rollback");
  await expect(rollback).toContainText("e2e tester");
  const release = rows.filter({ hasText: "#4" });
  await expect(release).toContainText("v2");
  await expect(release).toContainText("e2e tester");

  const seen = await visitor.stop();
  expect(seen.failures).toEqual([]);
  expect(seen.ok).toBeGreaterThan(10);
});
