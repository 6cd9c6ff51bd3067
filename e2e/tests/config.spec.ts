import { expect, test } from "@playwright/test";
import { pollApp } from "../support/app-poller.js";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { eventually, getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

test("a variable set in the UI replaces the instances without a failed request, and the app serves it", async ({
  page,
}) => {
  const value = `hello from the e2e test ${Date.now()}`;
  await signIn(page, stack());
  await page.goto(`${appPath(stack())}/config`);
  // A visitor polling the app URL every 20 ms through the whole rollout.
  const visitor = pollApp(stack().appUrl);
  const form = page.getByRole("form", { name: "Add variable" });
  await form.getByLabel("Name").fill("GREETING");
  await form.getByLabel("Value").fill(value);
  await form.getByRole("button", { name: "Add variable" }).click();

  const table = page.getByRole("table", { name: "Config variables" });
  await expect(table.getByRole("row").filter({ hasText: "GREETING" })).toContainText(value);
  await expect(
    page.getByRole("status").filter({ hasText: /Revision \d+ saved: all \d+ instances run it/ }),
  ).toBeVisible({
    timeout: 30_000,
  });
  await screenshot(page, "config");

  // Every instance restarted with it: ask enough times to reach each one behind the router.
  await eventually(async () => {
    for (let i = 0; i < 6; i++) {
      const body = JSON.parse((await getApp(stack().appUrl)).body) as { greeting: string };
      expect(body.greeting).toBe(value);
    }
  }, 30_000);
  const seen = await visitor.stop();
  expect(seen.failures).toEqual([]);
  expect(seen.ok).toBeGreaterThan(10);
});
