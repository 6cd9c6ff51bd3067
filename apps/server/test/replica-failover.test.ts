// A replica killed (SIGKILL) while its built-in runner runs a job: another replica on the same PostgreSQL
// database finds it dead (missed heartbeats), ends its sessions, re-queues the job and runs it to the end.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JobEventSchema, JobKind, JobService, ReplicaService } from "@berth/proto";
import { fromBinary } from "@bufbuild/protobuf";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { clientFor } from "./helpers/api-client.js";
import { type SpawnedServer, spawnServer } from "./helpers/spawn-server.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-stores.js";
import { until } from "./helpers/until.js";

const ref = { project: "shop", app: "web" };
let database: TestDatabase | undefined;
let store: Store | undefined;
let blocker: pg.Client | undefined;
const children: SpawnedServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGTERM");
    await c.exited;
  }
  await blocker?.end().catch(() => {});
  blocker = undefined;
  await store?.close();
  store = undefined;
  await database?.drop();
  database = undefined;
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
    rmSync(`${d}-apps`, { recursive: true, force: true });
  }
});

describe("a replica killed while running a job", () => {
  it("has its job re-queued and finished by another replica, which lists it as dead", async () => {
    database = await createTestDatabase();
    const env = {
      BERTH_STORE: database.url,
      BERTH_REPLICA_HEARTBEAT_MS: "200",
      BERTH_REPLICA_MISSED_BEATS: "3",
    };
    for (let i = 0; i < 2; i++) {
      dirs.push(mkdtempSync(join(tmpdir(), "berth-replica-")));
      children.push(await spawnServer(dirs[i]!, { env }));
    }
    const token = children[0]!.bootstrapToken ?? "";
    const replicaIds = dirs.map((d) => readFileSync(join(d, "replica-id"), "utf8").trim());

    store = await openStore({ url: database.url });
    const app = await upsertApplication(store.db, { ...ref, labels: {}, configJson: "" });
    await insertDeployment(store.db, { appId: app.id, status: "healthy" });
    // The app's row stays locked until the job has moved: the release job waits inside its transaction, so it
    // is still running when its replica is killed.
    blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query("SELECT id FROM applications WHERE id = $1 FOR UPDATE", [app.id]);

    const { job } = await clientFor(children[0]!, JobService, token).queueJob({
      app: ref,
      kind: JobKind.RELEASE,
      params: { case: "release", value: { seq: 1, reason: "failover" } },
    });
    const jobRow = () =>
      store!.db.selectFrom("jobs").selectAll().where("id", "=", job!.id).executeTakeFirstOrThrow();
    const claimedBy = await until("a replica to run the job", async () => {
      const row = await jobRow();
      return row.state === "running" && row.runner_id;
    });
    const victim = replicaIds.findIndex((id) => claimedBy === `builtin-${id}`);
    expect(victim).toBeGreaterThanOrEqual(0);
    const survivor = 1 - victim;

    children[victim]!.child.kill("SIGKILL");
    await children[victim]!.exited;
    await until(
      "the survivor to run the re-queued job",
      async () => {
        const row = await jobRow();
        return row.state === "running" && row.runner_id === `builtin-${replicaIds[survivor]}`;
      },
      20_000,
    );
    await blocker.query("COMMIT");
    const done = await until(
      "the job to finish",
      async () => {
        const row = await jobRow();
        return row.state !== "running" && row.state !== "queued" && row;
      },
      20_000,
    );
    expect(done).toMatchObject({ state: "success", error: "", runner_id: `builtin-${replicaIds[survivor]}` });

    const events = await store.db
      .selectFrom("job_events")
      .select("event")
      .where("job_id", "=", job!.id)
      .orderBy("seq")
      .execute();
    const lines = events.flatMap((e) => {
      const ev = fromBinary(JobEventSchema, e.event).event;
      return ev.case === "line" ? [ev.value.text] : [];
    });
    expect(lines).toContain(
      `re-queued: server replica ${replicaIds[victim]} stopped responding (no heartbeat for 0.6s) while running this job`,
    );
    const releases = await store.db.selectFrom("releases").select(["seq", "reason"]).execute();
    expect(releases).toEqual([{ seq: 1, reason: "failover" }]);

    const { replicas } = await clientFor(children[survivor]!, ReplicaService, token).listReplicas({});
    const byId = new Map(replicas.map((r) => [r.id, r]));
    expect(byId.get(replicaIds[victim]!)).toMatchObject({ alive: false });
    expect(byId.get(replicaIds[victim]!)?.stoppedAt).toBeUndefined();
    expect(byId.get(replicaIds[survivor]!)).toMatchObject({ alive: true, current: true });
  });
});
