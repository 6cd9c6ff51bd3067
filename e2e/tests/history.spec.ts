import { expect, test } from "@playwright/test";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

test("a SHA prefix finds its deployment, whose own URL serves that commit", async ({ page }) => {
  const [v1, v2] = stack().commits;
  if (!v1 || !v2) throw new Error("the demo should have two commits");
  await signIn(page, stack(), `/p/${stack().project}/a/${stack().app}/deployments`);
  const table = page.getByRole("table", { name: "Deployments" });
  await expect(table.getByRole("row", { name: "v1", exact: true })).toBeVisible();
  await expect(table.getByRole("row", { name: "v2", exact: true })).toBeVisible();
  await screenshot(page, "deployments");

  await page.getByLabel("Search deployments by SHA, branch or message").fill(v1.sha.slice(0, 7));
  await expect(table.getByRole("row", { name: "v2", exact: true })).toHaveCount(0);
  const row = table.getByRole("row", { name: "v1", exact: true });
  await expect(row).toBeVisible();
  await expect(row.getByText(v1.sha.slice(0, 7))).toBeVisible();
  // The search is also in the URL, so the result can be shared.
  await expect(page).toHaveURL(new RegExp(v1.sha.slice(0, 7)));

  const link = row.getByRole("link", { name: /--v1\./ });
  const href = await link.getAttribute("href");
  expect(href).toBe(stack().deploymentUrls[0]);

  // The per-deployment URL serves v1 even though v2 is released…
  const direct = JSON.parse((await getApp(href!)).body) as { sha: string; version: string };
  expect(direct).toMatchObject({ sha: v1.sha, version: v1.version });
  const released = JSON.parse((await getApp(stack().appUrl)).body) as { sha: string };
  expect(released.sha).toBe(v2.sha);
  // …and Chromium resolves *.localhost to loopback by itself.
  await page.goto(href!);
  await expect(page.locator("body")).toContainText(v1.sha);

  await page.goto(`${appPath(stack())}/deployments/v1`);
  await expect(page.getByText(v1.sha.slice(0, 7)).first()).toBeVisible();
  await screenshot(page, "deployment");
});

test("every view answers its deep link on a fresh load with the demo's data", async ({ page }) => {
  const s = stack();
  await signIn(page, s);
  await expect(page.getByRole("link", { name: s.app }).first()).toBeVisible();
  await screenshot(page, "projects");

  await page.goto(appPath(s));
  await expect(page.getByText(s.appUrl.replace(/^http:\/\//, "")).first()).toBeVisible();
  await screenshot(page, "overview");

  await page.goto(`${appPath(s)}/builds`);
  await expect(page.getByRole("table", { name: "Builds" }).getByRole("row")).toHaveCount(3); // header + 2
  await screenshot(page, "builds");

  await page.goto(`${s.dashboardUrl}/jobs`);
  await expect(page.getByRole("heading", { name: "Jobs" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Jobs" }).getByRole("row").nth(1)).toBeVisible();
  await screenshot(page, "jobs");

  await page.goto(`${s.dashboardUrl}/audit`);
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText("release");
  await screenshot(page, "audit");

  await page.goto(`${s.dashboardUrl}/runners`);
  await expect(page.getByRole("table", { name: "Runners" })).toContainText("builtin");
  await screenshot(page, "runners");
});

test("from the app page: what was live at a picked time, then the life of that commit", async ({ page }) => {
  const [v1] = stack().commits;
  if (!v1) throw new Error("the demo should have two commits");
  await signIn(page, stack(), `/p/${stack().project}/a/${stack().app}`);
  const card = page.getByRole("region", { name: "What was live" });
  const answer = card.getByTestId("live-at-answer");
  await expect(answer.getByRole("link", { name: "v2", exact: true })).toBeVisible();

  await card.getByLabel("Live at").fill("2001-01-01T00:00");
  await expect(card.getByText(/^Nothing was live at/)).toBeVisible();

  // One click on v1's band on the timeline: what served then, and from there the commit's whole life.
  await card.getByRole("button", { name: /^v1 100% from / }).click();
  await expect(answer.getByRole("link", { name: "v1", exact: true })).toBeVisible();
  await screenshot(page, "live-at");
  await answer.getByRole("link", { name: "Life of this commit" }).click();
  await expect(page).toHaveURL(new RegExp(`/sha/${v1.sha}$`));
  const deployments = page.getByRole("region", { name: "Deployments" });
  await expect(deployments.getByText(/served \d/)).toBeVisible();
  await expect(
    page.getByRole("list", { name: "Lifecycle events" }).getByText("release").first(),
  ).toBeVisible();
  await screenshot(page, "sha");
});
