import {
  DeploymentSchema,
  DeploymentStatus,
  LifecycleEventSchema,
  LifecycleService,
  LiveIntervalSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApp } from "../../test/render-with-app.js";
import { ShaPage } from "./sha-page.js";

const sha = "b2".repeat(20);
const hostile = '<img src=x onerror="alert(1)"> fix login';

function render(path: string, answer: () => unknown) {
  const transport = createRouterTransport(({ service }) => {
    service(LifecycleService, { getShaLifecycle: answer as never });
  });
  return renderWithApp(<ShaPage />, { transport, path, pattern: "/p/:project/sha/:sha?" });
}

describe("ShaPage", () => {
  it("lists a commit's deployments with served time, links to job output and logs, and its releases", async () => {
    const git = { sha, message: hostile, author: "Ada", branch: "main" };
    render(`/p/shop/sha/${sha.slice(0, 8)}`, () => ({
      shas: [sha],
      deployments: [
        create(DeploymentSchema, {
          id: "d2",
          app: "web",
          seq: 2,
          status: DeploymentStatus.HEALTHY,
          git,
          jobId: "job9",
          configRevision: 3,
        }),
      ],
      served: [{ deploymentId: "d2", servedMs: 2n * 3_600_000n + 5n * 60_000n, live: false }],
      intervals: [
        create(LiveIntervalSchema, {
          app: "web",
          deploymentId: "d2",
          deploymentSeq: 2,
          weight: 25,
          git,
          releaseSeq: 2,
          from: timestampFromMs(Date.now() - 3_600_000),
        }),
      ],
      events: [
        create(LifecycleEventSchema, {
          id: "e1",
          kind: "rollback",
          app: "web",
          reason: "too slow",
          actor: { name: "ada" },
          time: timestampFromMs(Date.now() - 60_000),
          targets: [{ deploymentId: "d1", deploymentSeq: 1, weight: 100 }],
        }),
      ],
    }));
    const deployments = await screen.findByRole("region", { name: "Deployments" });
    expect(within(deployments).getByText(/served 2 h 5 min · config rev 3/)).toBeTruthy();
    expect(within(deployments).getByRole("link", { name: "Deploy output" }).getAttribute("href")).toBe(
      "/jobs/job9",
    );
    expect(within(deployments).getByRole("link", { name: "Logs" }).getAttribute("href")).toBe(
      "/p/shop/a/web/logs?deployment=v2",
    );
    // The commit message is text, never markup.
    expect(screen.getByText(hostile)).toBeTruthy();
    expect(document.querySelector("img")).toBeNull();
    const events = screen.getByRole("list", { name: "Lifecycle events" });
    expect(within(events).getByText("rollback")).toBeTruthy();
    expect(within(events).getByText("“too slow”")).toBeTruthy();
    expect(within(screen.getByRole("region", { name: "Served" })).getByText("25%")).toBeTruthy();
  });

  it("says when nothing matches, when the prefix is malformed, and shows errors", async () => {
    render("/p/shop/sha/ffff", () => ({ shas: [] }));
    expect(await screen.findByText("No build or deployment in shop comes from ffff")).toBeTruthy();
  });

  it("refuses a malformed prefix without asking the server", async () => {
    render("/p/shop/sha/xyz", () => {
      throw new Error("must not be called");
    });
    expect(await screen.findByText("A SHA prefix is 4–40 hex characters")).toBeTruthy();
  });

  it("shows the server's error with a retry", async () => {
    render("/p/shop/sha/abcd", () => {
      throw new ConnectError('project "shop" not found', Code.NotFound);
    });
    expect(await screen.findByText(/project "shop" not found/)).toBeTruthy();
    expect(screen.getByRole("button", { name: /retry/i })).toBeTruthy();
  });
});
