import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { appPath, screenshot, signIn } from "../support/dashboard.js";
import { useStack } from "../support/stack.js";

const stack = useStack({ demo: true });

test("a webhook added in the dashboard hears about a rollback after one failed attempt, signed; Redeliver sends it again", async ({
  page,
}) => {
  // A real endpoint on 127.0.0.1: the first request gets a 500, the rest a 200.
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const endpoint = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(received.length === 1 ? 500 : 200).end();
    });
  });
  endpoint.listen(0, "127.0.0.1");
  await once(endpoint, "listening");
  const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/berth`;
  try {
    await signIn(page, stack());
    await page.goto(`${stack().dashboardUrl}/p/${stack().project}`);
    await page.getByRole("link", { name: "Notifications" }).click();
    await expect(page.getByText("No webhooks yet")).toBeVisible();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const form = page.getByRole("form", { name: "Add webhook" });
    await form.getByLabel("URL").fill(url);
    // "Deployment failed" and "Rolled back" are ticked already.
    await expect(form.getByRole("checkbox", { name: "Rolled back" })).toBeChecked();
    await form.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.getByTestId("signing-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "I have saved it" }).click();
    await expect(page.getByRole("list", { name: "Webhooks" })).toContainText(url);

    await page.goto(`${appPath(stack())}/deployments/v2`);
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page
      .getByRole("dialog", { name: "Roll back" })
      .getByRole("button", { name: "Roll back to v1" })
      .click();

    await page.goto(`${stack().dashboardUrl}/p/${stack().project}/notifications`);
    const log = page.getByRole("table", { name: "Deliveries" });
    // The retry comes 2.5–5 s after the 500; the page refreshes while a delivery waits.
    await expect(log.getByRole("row").filter({ hasText: "rollback" })).toContainText("delivered", {
      timeout: 30_000,
    });
    await expect(log).toContainText("500, 200");
    await screenshot(page, "notifications");
    expect(received).toHaveLength(2);
    const payload = new Webhook(secret).verify(
      received[1]!.body,
      received[1]!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({ type: "rollback", data: { project: stack().project, app: stack().app } });

    const id = String(received[0]!.headers["webhook-id"]);
    await log.getByRole("button", { name: `Redeliver ${id}` }).click();
    await expect(log).toContainText("500, 200 ×2", { timeout: 15_000 });
    expect(received).toHaveLength(3);
    expect(received[2]!.headers["webhook-id"]).toBe(id);
  } finally {
    endpoint.closeAllConnections();
    endpoint.close();
  }
});
