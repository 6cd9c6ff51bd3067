import {
  type CreateNotificationSubscriptionRequest,
  NotificationDeliverySchema,
  NotificationDeliveryState,
  NotificationFormat,
  NotificationService,
  NotificationSubscriptionSchema,
  type RedeliverNotificationRequest,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import axe from "axe-core";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { NotificationsPage } from "./notifications-page.js";

const route = { path: "/p/shop/notifications", pattern: "/p/:project/notifications" };
const sub = create(NotificationSubscriptionSchema, {
  id: "sub_1",
  project: "shop",
  url: "https://hooks.slack.com/services/…",
  format: NotificationFormat.SLACK,
  events: ["deployment.failed", "rollback"],
});
const now = Date.now();
const attempt = (statusCode: number, i: number) => ({
  time: timestampFromMs(now - 60_000 + i),
  statusCode,
  durationMs: 3,
});
const delivery = create(NotificationDeliverySchema, {
  id: "msg_1",
  subscriptionId: "sub_1",
  event: "deployment.failed",
  project: "shop",
  app: "web",
  summary: '[shop] web v3 failed: <img src=x onerror="alert(1)">',
  state: NotificationDeliveryState.DELIVERED,
  createdAt: timestampFromMs(now - 60_000),
  attempts: [500, 500, 500, 500, 500, 200].map(attempt),
});

describe("NotificationsPage", () => {
  it("lists webhooks and the delivery log with every answer, shows text inert, and redelivers", async () => {
    const redelivered: RedeliverNotificationRequest[] = [];
    const transport = createRouterTransport(({ service }) => {
      service(NotificationService, {
        listNotificationSubscriptions: () => ({ subscriptions: [sub] }),
        listNotificationDeliveries: () => ({ deliveries: [delivery] }),
        redeliverNotification: (req) => {
          redelivered.push(req);
          return { delivery };
        },
      });
    });
    const { container } = renderWithApp(<NotificationsPage />, { transport, ...route });
    const webhooks = await screen.findByRole("list", { name: "Webhooks" });
    expect(within(webhooks).getByText("https://hooks.slack.com/services/…")).toBeTruthy();
    expect(within(webhooks).getByText("Deployment failed, Rolled back")).toBeTruthy();
    const log = await screen.findByRole("table", { name: "Deliveries" });
    expect(within(log).getByText("500 ×5, 200")).toBeTruthy();
    expect(within(log).getByText("delivered")).toBeTruthy();
    expect(within(log).getByText('[shop] web v3 failed: <img src=x onerror="alert(1)">')).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    expect(
      within(screen.getByRole("list", { name: "Attempts of msg_1" })).getAllByRole("listitem"),
    ).toHaveLength(6);
    fireEvent.click(within(log).getByRole("button", { name: "Redeliver msg_1" }));
    await waitFor(() =>
      expect(redelivered).toEqual([expect.objectContaining({ project: "shop", deliveryId: "msg_1" })]),
    );
  });

  it("adds a webhook from an empty project and shows its signing secret once", async () => {
    const created: CreateNotificationSubscriptionRequest[] = [];
    const transport = createRouterTransport(({ service }) => {
      service(NotificationService, {
        listNotificationSubscriptions: () => ({ subscriptions: created.length ? [sub] : [] }),
        listNotificationDeliveries: () => ({ deliveries: [] }),
        createNotificationSubscription: (req) => {
          created.push(req);
          return { subscription: sub, secret: "whsec_c2VjcmV0" };
        },
      });
    });
    renderWithApp(<NotificationsPage />, { transport, ...route });
    expect(await screen.findByText("No webhooks yet")).toBeTruthy();
    expect(await screen.findByText("Nothing sent yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Add webhook" }));
    const form = screen.getByRole("form", { name: "Add webhook" });
    fireEvent.change(within(form).getByRole("textbox", { name: "URL" }), { target: { value: "ftp://x" } });
    expect(within(form).getByRole("alert").textContent).toContain("http:// or https://");
    fireEvent.change(within(form).getByRole("textbox", { name: "URL" }), {
      target: { value: "https://hooks.example.com/berth" },
    });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Released" }));
    fireEvent.click(within(form).getByRole("button", { name: "Add webhook" }));
    expect((await screen.findByTestId("signing-secret")).textContent).toBe("whsec_c2VjcmV0");
    expect(created).toEqual([
      expect.objectContaining({
        project: "shop",
        url: "https://hooks.example.com/berth",
        format: NotificationFormat.STANDARD,
        events: ["deployment.failed", "rollback", "release"],
      }),
    ]);
    expect(await screen.findByRole("list", { name: "Webhooks" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "I have saved it" }));
    expect(screen.queryByTestId("signing-secret")).toBeNull();
  });

  it("shows the server's error with a retry, and a viewer cannot add or redeliver", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(NotificationService, {
        listNotificationSubscriptions: () => {
          throw new ConnectError('project "shop" not found', Code.NotFound);
        },
        listNotificationDeliveries: () => ({ deliveries: [delivery] }),
      });
    });
    renderWithApp(<NotificationsPage />, { transport, ...route, viewer: { name: "vic", role: "viewer" } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain('project "shop" not found');
    expect(within(alert).getByRole("button", { name: "Retry" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Add webhook" })).toHaveProperty("disabled", true);
    expect(await screen.findByRole("button", { name: "Redeliver msg_1" })).toHaveProperty("disabled", true);
  });

  it("has no serious axe violations with the form open beside the log", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(NotificationService, {
        listNotificationSubscriptions: () => ({ subscriptions: [sub] }),
        listNotificationDeliveries: () => ({ deliveries: [delivery] }),
      });
    });
    const { container } = renderWithApp(<NotificationsPage />, { transport, ...route });
    await screen.findByRole("table", { name: "Deliveries" });
    fireEvent.click(screen.getByRole("button", { name: "Add webhook" }));
    const res = await axe.run(container, {
      rules: { "color-contrast": { enabled: false } },
      resultTypes: ["violations"],
    });
    expect(
      res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
    ).toEqual([]);
  });
});
