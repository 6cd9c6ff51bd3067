import {
  ApplicationSchema,
  DeploymentSchema,
  DeploymentStatus,
  GetAppOverviewResponseSchema,
  InstanceSchema,
  InstanceState,
  ListDeploymentsResponseSchema,
  ListInstancesResponseSchema,
  PreviewSchema,
  PreviewState,
  WatchEventsResponseSchema,
  WebhookDeliverySchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import {
  reduceDeploymentPages,
  reduceInstances,
  reduceOverview,
  reducePreviews,
  reduceReleasedInPages,
  reduceWebhookDeliveries,
  upsert,
} from "./event-reducer.js";

const dep = (
  seq: number,
  extra: Partial<{ status: DeploymentStatus; released: boolean; app: string }> = {},
) => create(DeploymentSchema, { id: `d${seq}`, project: "shop", app: "web", seq, ...extra });

const overview = () =>
  create(GetAppOverviewResponseSchema, {
    application: create(ApplicationSchema, {
      project: "shop",
      name: "web",
      releasedDeploymentId: "d2",
      releasedSeq: 2,
    }),
    released: dep(2, { released: true }),
    recentDeployments: [dep(2, { released: true }), dep(1)],
  });

const event = (e: Parameters<typeof create<typeof WatchEventsResponseSchema>>[1]) =>
  create(WatchEventsResponseSchema, e);

describe("event reducer", () => {
  it("upserts by key without mutating the input", () => {
    const list = [{ id: "a", n: 1 }];
    const next = upsert(list, { id: "a", n: 2 }, (x) => x.id);
    expect(next).toEqual([{ id: "a", n: 2 }]);
    expect(list[0]!.n).toBe(1);
    expect(upsert(list, { id: "b", n: 3 }, (x) => x.id, "front")[0]!.id).toBe("b");
  });

  it("puts a new deployment at the top of the overview and updates a known one in place", () => {
    const o = overview();
    const next = reduceOverview(o, event({ event: { case: "deployment", value: dep(3) } }))!;
    expect(next.recentDeployments.map((d) => d.seq)).toEqual([3, 2, 1]);
    const healthy = reduceOverview(
      next,
      event({ event: { case: "deployment", value: dep(1, { status: DeploymentStatus.FAILED }) } }),
    )!;
    expect(healthy.recentDeployments.find((d) => d.seq === 1)?.status).toBe(DeploymentStatus.FAILED);
    expect(o.recentDeployments).toHaveLength(2);
  });

  it("ignores events of other apps", () => {
    const o = overview();
    expect(reduceOverview(o, event({ event: { case: "deployment", value: dep(9, { app: "api" }) } }))).toBe(
      o,
    );
  });

  it("moves the released flag when the application's released deployment changes (a rollback)", () => {
    const app = create(ApplicationSchema, {
      project: "shop",
      name: "web",
      releasedDeploymentId: "d1",
      releasedSeq: 1,
    });
    const next = reduceOverview(overview(), event({ event: { case: "application", value: app } }))!;
    expect(next.released?.id).toBe("d1");
    expect(next.recentDeployments.map((d) => [d.seq, d.released])).toEqual([
      [2, false],
      [1, true],
    ]);
    const pages = {
      pages: [create(ListDeploymentsResponseSchema, { deployments: [dep(2, { released: true }), dep(1)] })],
      pageParams: [""],
    };
    const flipped = reduceReleasedInPages(pages, app)!;
    expect(flipped.pages[0]!.deployments.map((d) => d.released)).toEqual([false, true]);
  });

  it("inserts new deployments into unfiltered history only", () => {
    const pages = {
      pages: [create(ListDeploymentsResponseSchema, { deployments: [dep(2), dep(1)] })],
      pageParams: [""],
    };
    const scope = { project: "shop", app: "web", filtered: false };
    expect(reduceDeploymentPages(pages, dep(3), scope)!.pages[0]!.deployments.map((d) => d.seq)).toEqual([
      3, 2, 1,
    ]);
    expect(reduceDeploymentPages(pages, dep(3), { ...scope, filtered: true })).toBe(pages);
    const updated = reduceDeploymentPages(pages, dep(1, { status: DeploymentStatus.HEALTHY }), {
      ...scope,
      filtered: true,
    })!;
    expect(updated.pages[0]!.deployments[1]!.status).toBe(DeploymentStatus.HEALTHY);
  });

  it("applies instance events to their own deployment's list only", () => {
    const res = create(ListInstancesResponseSchema, { instances: [] });
    const inst = create(InstanceSchema, { id: "i1", deploymentId: "d2", state: InstanceState.RUNNING });
    expect(reduceInstances(res, inst, "d1")).toBe(res);
    expect(reduceInstances(res, inst, "d2")!.instances).toHaveLength(1);
    const restarted = create(InstanceSchema, { ...inst, restarts: 1, state: InstanceState.STARTING });
    const next = reduceInstances(reduceInstances(res, inst, "d2"), restarted, "d2")!;
    expect(next.instances.map((i) => [i.restarts, i.state])).toEqual([[1, InstanceState.STARTING]]);
  });

  it("shows a rolled-back-to deployment that was not among the recent ones once its event arrives", () => {
    const app = create(ApplicationSchema, {
      project: "shop",
      name: "web",
      releasedDeploymentId: "d0",
      releasedSeq: 0,
    });
    const afterApp = reduceOverview(overview(), event({ event: { case: "application", value: app } }))!;
    expect(afterApp.released).toBeUndefined();
    const old = create(DeploymentSchema, { id: "d0", project: "shop", app: "web", seq: 0, released: true });
    const afterDep = reduceOverview(afterApp, event({ event: { case: "deployment", value: old } }))!;
    expect(afterDep.released?.id).toBe("d0");
  });
});

describe("reduceWebhookDeliveries", () => {
  it("puts a new delivery first, replaces one it has, and leaves an unloaded list alone", () => {
    const d = (id: string, reason = "") => create(WebhookDeliverySchema, { id, project: "shop", reason });
    const list = { deliveries: [d("2"), d("1")] };
    expect(reduceWebhookDeliveries(list, d("3"))?.deliveries.map((x) => x.id)).toEqual(["3", "2", "1"]);
    expect(reduceWebhookDeliveries(list, d("2", "again"))?.deliveries.map((x) => x.reason)).toEqual([
      "again",
      "",
    ]);
    expect(reduceWebhookDeliveries(undefined, d("3"))).toBeUndefined();
  });
});

describe("reducePreviews", () => {
  const preview = (number: number, state = PreviewState.READY, app = "web") =>
    create(PreviewSchema, { project: "shop", app, previewApp: `${app}--pr-${number}`, number, state });
  const input = { project: "shop", app: "web" };

  it("adds a new preview first, replaces a known one, drops a closed one unless closed ones are listed", () => {
    const list = { previews: [preview(1)] };
    expect(
      reducePreviews(list, preview(2, PreviewState.BUILDING), input, false)?.previews.map((p) => p.number),
    ).toEqual([2, 1]);
    expect(reducePreviews(list, preview(1, PreviewState.FAILED), input, false)?.previews[0]?.state).toBe(
      PreviewState.FAILED,
    );
    expect(reducePreviews(list, preview(1, PreviewState.CLOSED), input, true)?.previews).toEqual([]);
    const all = reducePreviews(
      list,
      preview(1, PreviewState.CLOSED),
      { ...input, includeClosed: true },
      true,
    );
    expect(all?.previews[0]?.state).toBe(PreviewState.CLOSED);
  });

  it("leaves lists of other apps and projects, and unloaded lists, alone", () => {
    const list = { previews: [preview(1)] };
    expect(reducePreviews(list, preview(3, PreviewState.READY, "api"), input, false)).toBe(list);
    expect(reducePreviews(list, preview(3), { project: "other" }, false)).toBe(list);
    expect(reducePreviews(undefined, preview(3), input, false)).toBeUndefined();
  });
});
