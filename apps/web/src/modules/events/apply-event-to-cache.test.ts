import {
  ApplicationSchema,
  DeploymentSchema,
  DeploymentService,
  DeploymentStatus,
  InstanceSchema,
  InstanceState,
  ListApplicationsResponseSchema,
  ListDeploymentsResponseSchema,
  ListInstancesResponseSchema,
  ProjectService,
  WatchEventsResponseSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createRouterTransport } from "@connectrpc/connect";
import { createConnectQueryKey } from "@connectrpc/connect-query";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { applyEventToCache } from "./apply-event-to-cache.js";

const transport = createRouterTransport(() => {});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
const dep = (seq: number, extra: { status?: DeploymentStatus; released?: boolean } = {}) =>
  create(DeploymentSchema, { id: `d${seq}`, project: "shop", app: "web", seq, ...extra });

function historyKey(statuses?: DeploymentStatus[]) {
  return createConnectQueryKey({
    schema: DeploymentService.method.listDeployments,
    transport,
    input: { app: { project: "shop", app: "web" }, pageSize: 100, ...(statuses ? { statuses } : {}) },
    cardinality: "infinite",
    pageParamKey: "pageToken",
  });
}

describe("applyEventToCache", () => {
  it("updates and inserts deployments in the cached history pages", () => {
    const client = new QueryClient();
    const pages = {
      pages: [create(ListDeploymentsResponseSchema, { deployments: [dep(1)] })],
      pageParams: [""],
    };
    client.setQueryData(historyKey(), pages);
    client.setQueryData(historyKey([DeploymentStatus.FAILED]), pages);
    applyEventToCache(
      client,
      create(WatchEventsResponseSchema, { event: { case: "deployment", value: dep(2) } }),
    );
    expect(client.getQueryData(historyKey())?.pages[0]?.deployments.map((d) => d.seq)).toEqual([2, 1]);
    // A filtered list does not take rows it cannot check against its filter.
    expect(client.getQueryData(historyKey([DeploymentStatus.FAILED]))?.pages[0]?.deployments).toHaveLength(1);
  });

  it("moves the released badge when the application changes", () => {
    const client = new QueryClient();
    client.setQueryData(historyKey(), {
      pages: [create(ListDeploymentsResponseSchema, { deployments: [dep(2, { released: true }), dep(1)] })],
      pageParams: [""],
    });
    const application = create(ApplicationSchema, {
      project: "shop",
      name: "web",
      releasedDeploymentId: "d1",
    });
    applyEventToCache(
      client,
      create(WatchEventsResponseSchema, { event: { case: "application", value: application } }),
    );
    expect(client.getQueryData(historyKey())?.pages[0]?.deployments.map((d) => d.released)).toEqual([
      false,
      true,
    ]);
  });

  it("makes the project's app list refetch when an app is deleted, not when it is released", () => {
    const client = new QueryClient();
    const key = createConnectQueryKey({
      schema: ProjectService.method.listApplications,
      transport,
      input: { project: "shop" },
      cardinality: "finite",
    });
    client.setQueryData(key, create(ListApplicationsResponseSchema, { applications: [] }));
    const send = (deletedAt?: number) =>
      applyEventToCache(
        client,
        create(WatchEventsResponseSchema, {
          event: {
            case: "application",
            value: create(ApplicationSchema, {
              project: "shop",
              name: "web",
              ...(deletedAt && { deletedAt: timestampFromMs(deletedAt) }),
            }),
          },
        }),
      );
    send();
    expect(client.getQueryState(key)?.isInvalidated).toBe(false);
    send(1_765_000_000_000);
    expect(client.getQueryState(key)?.isInvalidated).toBe(true);
  });

  it("routes instance events to their deployment's instance list", () => {
    const client = new QueryClient();
    const key = (deploymentId: string) =>
      createConnectQueryKey({
        schema: DeploymentService.method.listInstances,
        transport,
        input: { deploymentId },
        cardinality: "finite",
      });
    client.setQueryData(key("d1"), create(ListInstancesResponseSchema, { instances: [] }));
    client.setQueryData(key("d2"), create(ListInstancesResponseSchema, { instances: [] }));
    const inst = create(InstanceSchema, { id: "i1", deploymentId: "d2", state: InstanceState.RUNNING });
    applyEventToCache(
      client,
      create(WatchEventsResponseSchema, { event: { case: "instance", value: inst } }),
    );
    expect(client.getQueryData(key("d1"))?.instances).toHaveLength(0);
    expect(client.getQueryData(key("d2"))?.instances.map((i) => i.id)).toEqual(["i1"]);
  });

  it("refetches a list whose fetch was in flight when an event came, so the older response cannot win", async () => {
    const client = new QueryClient();
    const queryKey = createConnectQueryKey({
      schema: DeploymentService.method.listInstances,
      transport,
      input: { deploymentId: "d1" },
      cardinality: "finite",
    });
    const at = (revision: number) =>
      create(ListInstancesResponseSchema, {
        instances: [create(InstanceSchema, { id: "i1", deploymentId: "d1", configRevision: revision })],
      });
    // The server answers the first fetch with a snapshot from before the restart, the next with the new state.
    const answers = [deferred<ReturnType<typeof at>>(), deferred<ReturnType<typeof at>>()];
    let calls = 0;
    client.setQueryData(queryKey, at(1));
    // Mounting an observer on stale data starts the first fetch.
    const observer = new QueryObserver(client, { queryKey, queryFn: () => answers[calls++]!.promise });
    const seen: number[] = [];
    const unsubscribe = observer.subscribe((r) => {
      const rev = r.data?.instances[0]?.configRevision;
      if (rev !== undefined) seen.push(rev);
    });
    expect(client.getQueryState(queryKey)?.fetchStatus).toBe("fetching");

    applyEventToCache(
      client,
      create(WatchEventsResponseSchema, {
        event: {
          case: "instance",
          value: create(InstanceSchema, { id: "i1", deploymentId: "d1", configRevision: 2 }),
        },
      }),
    );
    answers[0]!.resolve(at(1));
    answers[1]!.resolve(at(2));
    await vi.waitFor(() => expect(client.getQueryState(queryKey)?.fetchStatus).toBe("idle"));
    expect(calls).toBe(2);
    expect(client.getQueryData(queryKey)?.instances[0]?.configRevision).toBe(2);
    expect(seen.at(-1)).toBe(2);
    unsubscribe();
  });
});
