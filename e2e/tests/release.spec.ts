import { expect, type Page, test } from "@playwright/test";
import { pollApp } from "../support/app-poller.js";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { eventually, getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

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
  await screenshot(page, action === "Release" ? "release-dialog" : "rollback-dialog");
  await dialog.getByRole("button", { name: confirm }).click();
  await expect(dialog).toBeHidden();
}

test("roll back, release and roll back again in the UI; the app URL follows at once, no request fails", async ({
  page,
}) => {
  const [v1, v2] = stack().commits;
  if (!v1 || !v2) throw new Error("the demo should have two commits");
  expect(await servedVersion()).toBe(v2.version);
  await signIn(page, stack());
  // A visitor polling every 20 ms through all three clicks.
  const visitor = pollApp(stack().appUrl);

  await act(page, 2, "Roll back", "Roll back to v1");
  await eventually(async () => expect(await servedVersion()).toBe(v1.version));

  await act(page, 2, "Release", "Release v2");
  await eventually(async () => expect(await servedVersion()).toBe(v2.version));

  await act(page, 2, "Roll back", "Roll back to v1");
  await eventually(async () => expect(await servedVersion()).toBe(v1.version));
  const body = JSON.parse((await getApp(stack().appUrl)).body) as { sha: string };
  expect(body.sha).toBe(v1.sha);
  const seen = await visitor.stop();
  expect(seen.failures).toEqual([]);
  expect(seen.ok).toBeGreaterThan(10);

  await page.goto(`${appPath(stack())}/releases`);
  const releases = page.getByRole("table", { name: "Releases" });
  const rows = releases.getByTestId("release-row");
  // berth up released v1 and v2; the UI added a rollback, a release and a rollback.
  await expect(rows).toHaveCount(5);
  const latest = rows.filter({ hasText: "#5" });
  await expect(latest).toContainText("v1");
  await expect(latest).toContainText("rollback");
  await expect(latest).toContainText("e2e tester");
  await expect(latest.locator("time")).toHaveAttribute("datetime", /^\d{4}-/);
  const byUi = rows.filter({ hasText: "#4" });
  await expect(byUi).toContainText("v2");
  await expect(byUi).toContainText("e2e tester");
  await screenshot(page, "releases");
});
