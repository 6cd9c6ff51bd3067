import { expect, test } from "@playwright/test";
import { appPath, signIn } from "../support/dashboard.js";
import { eventually, getApp, useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

test("scale the released deployment from its page, then delete the app by typing its name: the URL goes, the audit stays", async ({
  page,
}) => {
  const { project, app, appUrl, dashboardUrl } = stack();
  await signIn(page, stack());
  await page.goto(`${appPath(stack())}/deployments/v2`);
  await page.getByRole("spinbutton", { name: "Instances" }).fill("3");
  await page.getByRole("button", { name: "Scale" }).click();
  const instances = page.getByRole("table", { name: "Instances" });
  // A header row and three instances, arriving through the live event stream.
  await expect(instances.getByRole("row")).toHaveCount(4);
  await expect(page.getByText("Instances (3)")).toBeVisible();
  expect((await getApp(appUrl)).status).toBe(200);

  await page.goto(appPath(stack()));
  await page.getByRole("button", { name: "Delete app" }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${project}/${app}` });
  const confirm = dialog.getByRole("button", { name: `Delete ${app}` });
  await expect(confirm).toBeDisabled();
  await dialog.getByRole("textbox", { name: `Type ${app} to confirm` }).fill(`${app}x`);
  await expect(confirm).toBeDisabled();
  await dialog.getByRole("textbox", { name: `Type ${app} to confirm` }).fill(app);
  await confirm.click();
  await expect(page).toHaveURL(`${dashboardUrl}/p/${project}`);
  await expect(page.getByText("This project has no apps yet")).toBeVisible();
  await eventually(async () => expect((await getApp(appUrl)).status).toBe(404));

  await page.goto(`${dashboardUrl}/audit`);
  await expect(page.getByText("application.delete").first()).toBeVisible();
  await expect(page.getByText("deployment.scale").first()).toBeVisible();
});
