import { expect, type Page, test } from "@playwright/test";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { deploymentId, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

/** What the terminal shows, row after row (xterm's DOM renderer). */
const screen = (page: Page) => page.getByRole("application", { name: "Terminal" }).locator(".xterm-rows");

async function run(page: Page, command: string): Promise<void> {
  await page.getByRole("application", { name: "Terminal" }).click();
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

async function columns(page: Page, tag: string): Promise<number> {
  await run(page, `echo ${tag}=$(tput cols)=`);
  const pattern = new RegExp(`${tag}=(\\d+)=`);
  await expect(screen(page)).toHaveText(pattern);
  return Number(pattern.exec((await screen(page).textContent()) ?? "")?.[1]);
}

test("a shell in the running app: its env, a resize, and the exit code", async ({ page }) => {
  const id = await deploymentId(stack(), 2);
  await signIn(page, stack());
  await page.goto(`${appPath(stack())}/terminal?deployment=v2`);
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();

  await run(page, "echo ID=$BERTH_DEPLOYMENT_ID=");
  await expect(screen(page)).toContainText(`ID=${id}=`);
  await screenshot(page, "terminal");

  const wide = await columns(page, "WIDE");
  await page.setViewportSize({ width: 640, height: 800 });
  // The fit addon resizes the PTY with the panel; the next prompt sees the new size.
  await expect
    .poll(async () => columns(page, `N${Date.now() % 1000}X`), { timeout: 15_000 })
    .toBeLessThan(wide);

  await run(page, "exit 3");
  await expect(page.getByTestId("terminal-exit")).toContainText("exited with code 3");
});
