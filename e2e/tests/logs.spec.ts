import { expect, test } from "@playwright/test";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { callApi, getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

test("requests show up live; pause, resume and search work", async ({ page }) => {
  await signIn(page, stack());
  await page.goto(`${appPath(stack())}/logs`);
  const log = page.getByRole("log", { name: "Log lines" });
  await expect(log).toContainText("listening on");
  // Live means one stream that follows: a page that only sees new lines by reconnecting is not following.
  const streamsOpened: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("LogService/GetLogStream")) streamsOpened.push(r.url());
  });

  // Each request's line reaches the page within a second of the response.
  for (const n of [1, 2, 3]) {
    const path = `/e2e-live-${n}-${Date.now()}`;
    await getApp(stack().appUrl, path);
    await expect(log.getByText(path)).toBeVisible({ timeout: 1000 });
  }
  expect(streamsOpened, "the log view reopened its stream instead of following it").toEqual([]);
  await screenshot(page, "logs");

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByRole("button", { name: "Follow" })).toBeVisible();
  const paused = `/e2e-while-paused-${Date.now()}`;
  await getApp(stack().appUrl, paused);
  await expect(page.getByRole("button", { name: /new lines? — jump to latest/ })).toBeVisible();
  await page.getByRole("button", { name: "Follow" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(log.getByText(paused)).toBeVisible();

  await page.getByLabel("Filter log lines").fill("e2e-live-2");
  await expect(log.getByText(/e2e-live-2-/)).toBeVisible();
  await expect(log.getByText(/e2e-live-1-/)).toHaveCount(0);
  await expect(log.getByText(paused)).toHaveCount(0);
  await page.getByLabel("Filter log lines").fill("");
  await expect(log.getByText(/e2e-live-1-/)).toBeVisible();
});

test("HTML in a log line stays text, ANSI colours become colour, and nothing runs", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await signIn(page, stack());
  await page.goto(`${appPath(stack())}/logs`);
  const log = page.getByRole("log", { name: "Log lines" });
  await expect(log).toContainText("listening on");

  // hello-node prints its greeting when it starts: set one with markup and colour codes, and the
  // instances restart and log it.
  const payload = "\u001b[31m<img src=x onerror=alert(1)>\u001b[0m \u001b[32mgreen\u001b[0m";
  await callApi(stack(), "ConfigService/SetConfigVars", {
    scope: "CONFIG_SCOPE_APP",
    project: stack().project,
    app: stack().app,
    set: [{ name: "GREETING", value: payload }],
  });
  const line = log.getByText("<img src=x onerror=alert(1)>").first();
  await expect(line).toBeVisible({ timeout: 30_000 });
  await expect(log.locator("img")).toHaveCount(0);
  const red = await line.evaluate((el) => getComputedStyle(el).color);
  const green = await log
    .getByText("green", { exact: true })
    .first()
    .evaluate((el) => getComputedStyle(el).color);
  expect(red).not.toBe(green);
  expect(red).toMatch(/^rgb/);
  await expect(log).not.toContainText("\u001b[");
  await expect(log).not.toContainText("[31m");
  expect(dialogs).toEqual([]);
});
