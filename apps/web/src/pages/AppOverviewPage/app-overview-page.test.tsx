import {
  ApplicationSchema,
  DashboardService,
  DeploymentSchema,
  DeploymentStatus,
  EventService,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createRouterTransport } from "@connectrpc/connect";
import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useEventStream } from "../../modules/events/use-event-stream.js";
import { renderWithApp } from "../../test/render-with-app.js";
import { AppOverviewPage } from "./app-overview-page.js";

const dep = (seq: number, status = DeploymentStatus.HEALTHY) =>
  create(DeploymentSchema, {
    id: `d${seq}`,
    project: "shop",
    app: "web",
    seq,
    status,
    url: `http://web--v${seq}.shop.localhost`,
  });

function LiveOverview() {
  useEventStream({ project: "shop", app: "web" });
  return <AppOverviewPage />;
}

describe("AppOverviewPage", () => {
  it("loads once, then applies stream events without refetching", async () => {
    let overviewCalls = 0;
    let push!: (seq: number, status: DeploymentStatus) => void;
    const transport = createRouterTransport(({ service }) => {
      service(DashboardService, {
        getAppOverview: () => {
          overviewCalls++;
          return {
            application: create(ApplicationSchema, {
              project: "shop",
              name: "web",
              url: "http://web.shop.localhost",
              releasedDeploymentId: "d1",
            }),
            released: dep(1),
            recentDeployments: [dep(1)],
          };
        },
      });
      service(ReleaseService, { listReleases: () => ({ releases: [] }) });
      service(EventService, {
        async *watchEvents(req) {
          expect(req).toMatchObject({ project: "shop", app: "web" });
          const queue: Array<ReturnType<typeof dep>> = [];
          let wake: (() => void) | undefined;
          push = (seq, status) => {
            queue.push(dep(seq, status));
            wake?.();
          };
          yield { event: { case: "heartbeat", value: true } };
          for (;;) {
            while (queue.length) yield { event: { case: "deployment", value: queue.shift()! } };
            await new Promise<void>((r) => (wake = r));
          }
        },
      });
    });
    renderWithApp(<LiveOverview />, { transport, path: "/p/shop/a/web", pattern: "/p/:project/a/:app" });
    const recent = await screen.findByRole("region", { name: "Recent deployments" });
    expect(screen.getByRole("link", { name: "http://web.shop.localhost" })).toBeTruthy();
    await waitFor(() => expect(push).toBeDefined());
    push(2, DeploymentStatus.DEPLOYING);
    await within(recent).findByRole("link", { name: "v2" });
    expect(within(recent).getByText("deploying")).toBeTruthy();
    push(2, DeploymentStatus.HEALTHY);
    await waitFor(() => expect(within(recent).queryByText("deploying")).toBeNull());
    expect(overviewCalls).toBe(1);
  });
});
