// Several server replicas on one PostgreSQL database (in-process servers, each with its own data dir and port):
// events made on one reach the watchers and the route table of another, a release racing another one is refused,
// the registry tells live, stopped and dead replicas apart, and a replica refuses a schema newer than it knows.
import {
  ConfigScope,
  ConfigService,
  EventService,
  type Instance,
  ReleaseService,
  ReplicaService,
  type RouteTable,
  type WatchEventsResponse,
} from "@berth/proto";
import { Code } from "@connectrpc/connect";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { toInstanceProto } from "../src/catalog/to-proto.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { instanceServerAddresses } from "../src/replicas/instance-server-addresses.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { type ReplicaSet, startReplicaSet, testReplicaTiming } from "./helpers/replica-set.js";
import { startTestServer } from "./helpers/test-server.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-stores.js";
import { until } from "./helpers/until.js";

const ref = { project: "shop", app: "web" };
let set: ReplicaSet | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await set?.dispose();
  set = undefined;
  await database?.drop();
  database = undefined;
});

/** Two healthy deployments of shop/web run by `replicaId`'s platform. */
async function seedApp(s: ReplicaSet, replicaId: string) {
  const { db } = s.replicas[0]!.ctx.store;
  const app = await upsertApplication(db, { ...ref, labels: {}, configJson: "" });
  const v1 = await insertDeployment(db, { appId: app.id, status: "healthy", replicaId });
  const v2 = await insertDeployment(db, { appId: app.id, status: "healthy", replicaId });
  return { app, v1, v2 };
}

/** Reads a WatchEvents stream until `match` picks an event. */
async function nextMatching<T>(
  stream: AsyncIterator<WatchEventsResponse>,
  match: (e: WatchEventsResponse["event"]) => T | undefined,
): Promise<T> {
  for (;;) {
    const { value, done } = await stream.next();
    if (done) throw new Error("the event stream ended");
    const found = match(value.event);
    if (found !== undefined) return found;
  }
}

describe("replicas on one PostgreSQL database", () => {
  it("delivers a release, a deployment and an instance made on replica A to replica B's watchers and route table", async () => {
    set = await startReplicaSet(3);
    const [a, b] = set.replicas as [
      NonNullable<ReplicaSet["replicas"][0]>,
      NonNullable<ReplicaSet["replicas"][0]>,
    ];
    const { v1 } = await seedApp(set, a.ctx.replicaId);

    const abort = new AbortController();
    const watch = clientFor(b, EventService, set.token)
      .watchEvents({ project: "shop" }, { signal: abort.signal })
      [Symbol.asyncIterator]();
    // The first message is a heartbeat: B is subscribed, nothing published from now on is lost.
    expect((await watch.next()).value?.event.case).toBe("heartbeat");
    const tables: RouteTable[] = [];
    let tableArrived: () => void = () => {};
    engineOf(b.ctx).routes.subscribe((t) => {
      tables.push(t);
      tableArrived();
    });

    const released = await clientFor(a, ReleaseService, set.token).release({
      app: ref,
      seq: 1,
      reason: "ship",
    });
    const seen = await nextMatching(watch, (e) => (e.case === "release" ? e.value : undefined));
    expect(seen).toMatchObject({
      id: released.release?.id,
      seq: 1,
      reason: "ship",
      project: "shop",
      app: "web",
    });
    // The deployments whose released flag flipped follow, read back from the store by B.
    const flipped = await nextMatching(watch, (e) =>
      e.case === "deployment" && e.value.id === v1.id ? e.value : undefined,
    );
    expect(flipped.released).toBe(true);

    // An instance A's platform runs: B knows it only from the stored row the event points at.
    const row = {
      id: "01INSTANCEONA",
      deployment_id: v1.id,
      idx: 0,
      state: "running",
      health: "healthy",
      port: 45_001,
      pid: 0,
      restarts: 0,
      started_at: Date.now(),
      config_revision: 0,
      last_health_error: "",
      last_health_at: Date.now(),
      native_id: "",
    };
    await a.ctx.store.db.insertInto("instances").values(row).execute();
    a.ctx.events.publish({
      ...ref,
      event: { case: "instance", value: toInstanceProto(row, { connected: true, configError: "" }) },
    });
    const instance: Instance = await nextMatching(watch, (e) =>
      e.case === "instance" ? e.value : undefined,
    );
    expect(instance).toMatchObject({ id: row.id, port: 45_001, connected: true });

    // A config change on A reaches B (whose config push restarts the apps connected to it).
    await clientFor(a, ConfigService, set.token).setConfigVars({
      scope: ConfigScope.APP,
      ...ref,
      set: [{ name: "GREETING", value: "hello", secret: false }],
    });
    const config = await nextMatching(watch, (e) => (e.case === "config" ? e.value : undefined));
    expect(config).toMatchObject({ project: "shop", app: "web", revision: 1 });
    expect(config.changes.map((c) => c.name)).toEqual(["GREETING"]);

    const routed = () =>
      tables.find(
        (t) =>
          t.apps.some((x) => x.app === "web" && x.targets.some((target) => target.deploymentId === v1.id)) &&
          t.deployments.some(
            (d) => d.id === v1.id && d.endpoints.some((e) => e.port === 45_001 && e.healthy),
          ),
      );
    while (!routed()) await new Promise<void>((resolve) => (tableArrived = resolve));
    abort.abort();
  });

  it("refuses a release on replica B while replica A is making one of the same app: Aborted, one release in history", async () => {
    set = await startReplicaSet(2);
    const [a, b] = set.replicas as [
      NonNullable<ReplicaSet["replicas"][0]>,
      NonNullable<ReplicaSet["replicas"][0]>,
    ];
    await seedApp(set, a.ctx.replicaId);
    // Holds A's release inside its transaction (its next read of releases waits on this lock): "the same moment".
    const blocker = new pg.Client({ connectionString: set.database.url });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("LOCK TABLE releases IN ACCESS EXCLUSIVE MODE");
      const onA = clientFor(a, ReleaseService, set.token).release({ app: ref, seq: 1, reason: "from A" });
      await until("A's release to wait inside its transaction", async () => {
        const { rows } = await blocker.query(
          "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'releases' AND NOT l.granted",
        );
        return rows.length > 0;
      });
      const err = await errorOf(
        clientFor(b, ReleaseService, set.token).release({ app: ref, seq: 2, reason: "from B" }),
      );
      expect(err.code).toBe(Code.Aborted);
      expect(err.rawMessage).toBe(
        "another release of shop/web is being made at this moment (by another request or server replica); " +
          "look at the app's current release, then try again",
      );
      await blocker.query("COMMIT");
      expect((await onA).release).toMatchObject({ seq: 1, reason: "from A" });
    } finally {
      await blocker.end();
    }
    const { releases } = await clientFor(b, ReleaseService, set.token).listReleases({ app: ref });
    expect(releases.map((r) => [r.seq, r.reason])).toEqual([[1, "from A"]]);
  });

  it("lists replicas as alive, stopped (a clean stop) or dead (heartbeat gone), each with its schema version", async () => {
    set = await startReplicaSet(3);
    const [a, b, c] = set.replicas as NonNullable<ReplicaSet["replicas"][0]>[];
    const replicas = clientFor(a!, ReplicaService, set.token);
    const first = await replicas.listReplicas({});
    expect(first.replicas.map((r) => [r.id, r.alive, r.schemaVersion]).sort()).toEqual(
      [a!, b!, c!].map((s) => [s.ctx.replicaId, true, "017-entrypoint-connections"]).sort(),
    );
    expect(first.replicas.find((r) => r.current)?.apiUrl).toBe(a!.apiUrl);
    // What A's instances are told to dial (BERTH_SERVER_ADDR): A first, then every live replica, to fail over to.
    const addresses = (await instanceServerAddresses(a!.ctx)).split(",");
    expect(addresses[0]).toBe(a!.apiUrl);
    expect(addresses.slice(1).sort()).toEqual([b!.apiUrl, c!.apiUrl].sort());

    await b!.close();
    // C's row as a killed process leaves it: never marked stopped, its last heartbeat long ago.
    await c!.close();
    await a!.ctx.store.db
      .updateTable("replicas")
      .set({ stopped_at: null, heartbeat_at: Date.now() - 60_000 })
      .where("id", "=", c!.ctx.replicaId)
      .execute();
    const stateOf = async (id: string) => (await replicas.listReplicas({})).replicas.find((r) => r.id === id);
    const dead = await stateOf(c!.ctx.replicaId);
    expect(dead?.alive).toBe(false);
    expect(dead?.stoppedAt).toBeUndefined();
    expect(await stateOf(b!.ctx.replicaId)).toMatchObject({ alive: false });
    expect((await stateOf(b!.ctx.replicaId))?.stoppedAt).toBeDefined();
    expect(await stateOf(a!.ctx.replicaId)).toMatchObject({ alive: true, current: true });
    expect(await instanceServerAddresses(a!.ctx)).toBe(a!.apiUrl);
  });

  it("gives live deployments made before replicas existed to the first replica that starts, and only to it", async () => {
    set = await startReplicaSet(1);
    const { db } = set.replicas[0]!.ctx.store;
    const app = await upsertApplication(db, { ...ref, labels: {}, configJson: "" });
    const legacy = await insertDeployment(db, { appId: app.id, status: "healthy" });
    const gone = await insertDeployment(db, { appId: app.id, status: "destroyed" });
    const [second, third] = await Promise.all(
      [0, 1].map(() => startTestServer({ store: set!.database.url, replicaTiming: testReplicaTiming })),
    );
    set.replicas.push(second!, third!);
    const owner = async (id: string) =>
      (await db.selectFrom("deployments").select("replica_id").where("id", "=", id).executeTakeFirstOrThrow())
        .replica_id;
    expect([second!.ctx.replicaId, third!.ctx.replicaId]).toContain(await owner(legacy.id));
    expect(await owner(gone.id)).toBe("");
  });

  it("refuses to start on a database migrated by a newer server, naming both schema versions", async () => {
    database = await createTestDatabase();
    const first = await startTestServer({ store: database.url });
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('099-from-the-future', '2030-01-01')`.execute(
      first.ctx.store.db,
    );
    await first.dispose();
    await expect(startTestServer({ store: database.url })).rejects.toThrow(
      "has schema version 099-from-the-future, newer than this server's 017-entrypoint-connections (unknown migrations: 099-from-the-future)",
    );
  });
});
