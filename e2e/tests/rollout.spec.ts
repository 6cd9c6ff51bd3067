import { expect, test } from "@playwright/test";
import { pollApp } from "../support/app-poller.js";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { eventually, getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

async function servedVersion(): Promise<string> {
  const res = await getApp(stack().appUrl);
  return (JSON.parse(res.body) as { version: string }).version;
}

test("a progressive release from the dashboard: live numbers for both sides, then Abort puts everything back", async ({
  page,
}) => {
  const [v1, v2] = stack().commits;
  if (!v1 || !v2) throw new Error("the demo should have two commits");
  await signIn(page, stack());
  const visitor = pollApp(stack().appUrl, 10);

  // v2 is released; roll v1 out in steps from its deployment page.
  await page.goto(`${appPath(stack())}/deployments/v1`);
  await page.getByRole("button", { name: "Release", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Release" });
  await dialog.getByRole("checkbox", { name: /Progressive/ }).check();
  await dialog.getByRole("textbox", { name: /Steps/ }).fill("30,100");
  await dialog.getByRole("button", { name: "Start rollout of v1" }).click();
  await expect(dialog).toBeHidden();

  // The app page follows it live: the canary's requests climb as the visitor's traffic is split.
  await page.goto(appPath(stack()));
  const card = page.getByRole("table", { name: "Baseline and canary side by side" });
  const canary = card.getByRole("row", { name: /Canary/ });
  await expect(canary).toContainText("30%");
  await expect(card.getByRole("row", { name: /Baseline/ })).toContainText("70%");
  await expect(async () => {
    const cells = await canary.getByRole("cell").allTextContents();
    // Cells after the row header: version, traffic, requests, 5xx, p50, p95.
    expect(Number(cells[2])).toBeGreaterThan(5);
  }).toPass({ timeout: 15_000 });
  await screenshot(page, "rollout-card");
  await eventually(async () => expect(await servedVersion()).toBe(v1.version));

  await page.getByRole("button", { name: "Abort" }).click();
  await expect(page.getByText("aborted", { exact: true })).toBeVisible();
  await expect(canary).toContainText("0%");
  for (let i = 0; i < 20; i++) expect(await servedVersion()).toBe(v2.version);
  const seen = await visitor.stop();
  expect(seen.failures).toEqual([]);
  expect(seen.ok).toBeGreaterThan(20);
});
