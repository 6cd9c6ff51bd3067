import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { upsertApplication } from "../catalog/projects.js";
import { insertDeployment, insertRelease } from "../history/insert-history.js";
import type { InstanceView } from "../platforms/platform.js";
import { openStore, type Store } from "../store/open-store.js";
import { createRouteTable } from "./route-table.js";

let dir = "";
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const healthyOn =
  (port: number) =>
  (id: string): InstanceView[] => [
    {
      id: `i-${id}`,
      deploymentId: id,
      idx: 0,
      state: "running",
      health: "healthy",
      port,
      pid: 1,
      restarts: 0,
      startedAt: 0,
      lastHealthError: "",
      cwd: "",
      logFile: "",
    },
  ];

describe("route table", () => {
  it("resolves app and deployment hosts, caches lookups and sees a release after invalidate()", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-routes-"));
    store = await openStore({ path: join(dir, "berth.db") });
    const app = await upsertApplication(store.db, {
      project: "shop",
      app: "web",
      labels: {},
      configJson: "",
    });
    const v1 = await insertDeployment(store.db, { appId: app.id, status: "healthy" });
    const v2 = await insertDeployment(store.db, { appId: app.id, status: "healthy" });
    const ports: Record<string, number> = { [v1.id]: 1001, [v2.id]: 1002 };
    const table = createRouteTable({
      sqlite: store.sqlite,
      instances: (id) => healthyOn(ports[id] ?? 0)(id),
    });
    const appHost = { kind: "app", project: "shop", app: "web" } as const;

    expect(table.route(appHost)).toEqual({
      ok: false,
      status: 404,
      message: "web.shop has not been released yet",
    });
    expect(table.route({ kind: "deployment", project: "shop", app: "web", seq: 2 })).toMatchObject({
      ok: true,
      port: 1002,
    });
    expect(table.route({ kind: "deployment", project: "shop", app: "web", seq: 3 })).toMatchObject({
      status: 404,
    });

    const release = async (deploymentId: string) => {
      const r = await insertRelease(store!.db, { appId: app.id, targets: [{ deploymentId, weight: 100 }] });
      await store!.db.updateTable("applications").set({ current_release_id: r.id }).execute();
    };
    await release(v1.id);
    // Cached until invalidated (the engine invalidates on every release event).
    expect(table.route(appHost)).toMatchObject({ ok: false, status: 404 });
    table.invalidate();
    expect(table.route(appHost)).toMatchObject({ ok: true, port: 1001 });
    await release(v2.id);
    table.invalidate();
    expect(table.route(appHost)).toMatchObject({ ok: true, port: 1002 });

    await store.db.updateTable("deployments").set({ status: "destroyed" }).where("id", "=", v1.id).execute();
    table.invalidate();
    expect(table.route({ kind: "deployment", project: "shop", app: "web", seq: 1 })).toEqual({
      ok: false,
      status: 404,
      message: "web.shop v1 was destroyed",
    });
  });
});
