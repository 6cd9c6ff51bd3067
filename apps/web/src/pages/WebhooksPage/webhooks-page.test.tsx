import {
  type DeployCommitRequest,
  EventService,
  GitService,
  type WebhookDelivery,
  WebhookDeliverySchema,
  WebhookOutcome,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DeployCommitButton } from "../../modules/git/deploy-commit-button.js";
import { renderWithApp } from "../../test/render-with-app.js";
import { WebhooksPage } from "./webhooks-page.js";

const route = { path: "/p/shop/webhooks", pattern: "/p/:project/webhooks" };
const now = Date.now();
const accepted = create(WebhookDeliverySchema, {
  id: "d1",
  project: "shop",
  forge: "github",
  deliveryId: "gh-1",
  event: "push",
  ref: "refs/heads/main",
  sha: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
  outcome: WebhookOutcome.ACCEPTED,
  statusCode: 202,
  builds: [{ app: "web", jobId: "job_1" }],
  receivedAt: timestampFromMs(now - 5_000),
});
const rejected = create(WebhookDeliverySchema, {
  id: "d0",
  project: "shop",
  forge: "github",
  event: "push",
  outcome: WebhookOutcome.REJECTED,
  reason: '<img src=x onerror="alert(1)"> X-Hub-Signature-256 does not match the body',
  statusCode: 401,
  receivedAt: timestampFromMs(now - 60_000),
});

describe("WebhooksPage", () => {
  it("shows the endpoint, the deliveries (text inert) and a new secret once", async () => {
    let configured = false;
    const transport = createRouterTransport(({ service }) => {
      service(GitService, {
        getWebhook: () => ({ configured, path: "/webhooks/shop", createdBy: { name: "ada" } }),
        listWebhookDeliveries: () => ({ deliveries: [accepted, rejected] }),
        createWebhookSecret: () => {
          configured = true;
          return { secret: "bwh_c2VjcmV0", path: "/webhooks/shop" };
        },
      });
    });
    const { container } = renderWithApp(<WebhooksPage />, { transport, ...route });
    expect((await screen.findByTestId("webhook-path")).textContent).toBe("POST /webhooks/shop");
    const table = await screen.findByRole("table", { name: "Webhook deliveries" });
    expect(within(table).getByText("accepted")).toBeTruthy();
    expect(within(table).getByRole("link", { name: "web" }).getAttribute("href")).toBe("/jobs/job_1");
    expect(within(table).getByText(/X-Hub-Signature-256 does not match/)).toBeTruthy();
    expect(container.querySelector("img")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Create secret" }));
    expect((await screen.findByTestId("webhook-secret")).textContent).toBe("bwh_c2VjcmV0");
    expect(await screen.findByRole("button", { name: "Replace secret" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "I have saved it" }));
    expect(screen.queryByTestId("webhook-secret")).toBeNull();
  });

  it("shows a delivery recorded while the page is open, from the project's event stream", async () => {
    let push: ((d: WebhookDelivery) => void) | undefined;
    let listed = 0;
    const transport = createRouterTransport(({ service }) => {
      service(GitService, {
        getWebhook: () => ({ configured: true, path: "/webhooks/shop" }),
        listWebhookDeliveries: () => {
          listed += 1;
          return { deliveries: [rejected] };
        },
      });
      service(EventService, {
        async *watchEvents(req) {
          expect(req).toMatchObject({ project: "shop" });
          const queue: WebhookDelivery[] = [];
          let wake: (() => void) | undefined;
          push = (d) => {
            queue.push(d);
            wake?.();
          };
          yield { event: { case: "heartbeat", value: true } };
          for (;;) {
            while (queue.length) yield { event: { case: "webhookDelivery", value: queue.shift()! } };
            await new Promise<void>((r) => {
              wake = r;
            });
          }
        },
      });
    });
    renderWithApp(<WebhooksPage />, { transport, ...route });
    const table = await screen.findByRole("table", { name: "Webhook deliveries" });
    await waitFor(() => expect(push).toBeDefined());
    const before = listed;
    push!(accepted);
    await within(table).findByRole("link", { name: "web" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(listed).toBe(before);
  });

  it("an empty log says so, and only an admin may make a secret", async () => {
    const transport = createRouterTransport(({ service }) => {
      service(GitService, {
        getWebhook: () => ({ configured: false, path: "/webhooks/shop" }),
        listWebhookDeliveries: () => ({ deliveries: [] }),
      });
    });
    renderWithApp(<WebhooksPage />, { transport, ...route, viewer: { name: "dee", role: "deployer" } });
    expect(await screen.findByText("Nothing received yet")).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByRole("button", { name: "Create secret" })).toHaveProperty("disabled", true),
    );
  });
});

describe("DeployCommitButton", () => {
  it("queues a build of a branch (checked) and opens its job", async () => {
    const asked: DeployCommitRequest[] = [];
    const transport = createRouterTransport(({ service }) => {
      service(GitService, {
        deployCommit: (req) => {
          asked.push(req);
          return { buildJobId: "job_9" };
        },
      });
    });
    const { location } = renderWithApp(
      <DeployCommitButton
        project="shop"
        app="web"
        source={{ url: "https://git.example.com/shop.git", ref: "main" }}
      />,
      { transport, path: "/p/shop/a/web", pattern: "/p/:project/a/:app" },
    );
    fireEvent.click(screen.getByRole("button", { name: "Deploy commit…" }));
    const dialog = screen.getByRole("dialog", { name: "Deploy a commit of web" });
    const sha = within(dialog).getByRole("textbox", { name: /Commit SHA/ });
    fireEvent.change(sha, { target: { value: "abc" } });
    expect(within(dialog).getByRole("alert").textContent).toContain("40 hex digits");
    fireEvent.change(sha, { target: { value: "" } });
    fireEvent.change(within(dialog).getByRole("textbox", { name: "Branch or tag" }), {
      target: { value: "release/2" },
    });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "Release it once healthy" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Build and deploy" }));
    await waitFor(() => expect(location.pathname).toBe("/jobs/job_9"));
    expect(asked).toEqual([
      expect.objectContaining({
        app: expect.objectContaining({ project: "shop", app: "web" }),
        ref: "release/2",
        sha: "",
        release: true,
      }),
    ]);
  });
});
