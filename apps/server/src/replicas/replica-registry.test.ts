import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import { listReplicas, reapDeadReplicas, registerReplica, replicaAlive } from "./replica-registry.js";

const timing = { heartbeatMs: 1_000, missedBeats: 3 };
let opened: TestStore | undefined;
afterEach(async () => {
  await opened?.dispose();
  opened = undefined;
});

describe("replicaAlive", () => {
  const row = {
    id: "a",
    api_url: "http://a",
    started_at: 0,
    heartbeat_at: 10_000,
    schema_version: "015-replicas",
    stopped_at: null,
    reaped_at: null,
  };
  it("counts a replica alive until it missed the allowed beats, and never once it stopped", () => {
    expect(replicaAlive(row, 13_000, timing)).toBe(true);
    expect(replicaAlive(row, 13_001, timing)).toBe(false);
    expect(replicaAlive({ ...row, stopped_at: 11_000 }, 11_500, timing)).toBe(false);
  });
});

describe.each(storeDialects)("the replica registry on %s", (dialect) => {
  it("reaps a dead replica exactly once, even with several reapers at the same moment, and never a stopped one", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    for (const id of ["alive", "dead", "stopped"])
      await registerReplica(db, { id, api_url: `http://${id}`, schema_version: "015-replicas" }, 1_000);
    await db.updateTable("replicas").set({ heartbeat_at: 9_500 }).where("id", "=", "alive").execute();
    await db.updateTable("replicas").set({ stopped_at: 1_500 }).where("id", "=", "stopped").execute();

    const reaped = await Promise.all(
      ["alive", "reaper-2", "reaper-3"].map((self) => reapDeadReplicas(db, self, 10_000, timing)),
    );
    expect(reaped.flat()).toEqual(["dead"]);
    expect(await reapDeadReplicas(db, "alive", 11_000, timing)).toEqual([]);

    const listed = await listReplicas(db, 10_000, timing);
    expect(listed.map((r) => [r.id, r.alive, r.reaped_at !== null]).sort()).toEqual([
      ["alive", true, false],
      ["dead", false, true],
      ["stopped", false, false],
    ]);
    // A dead replica that comes back registers afresh: alive, no longer reaped.
    await registerReplica(db, { id: "dead", api_url: "http://dead", schema_version: "015-replicas" }, 10_000);
    expect((await listReplicas(db, 10_000, timing)).find((r) => r.id === "dead")).toMatchObject({
      alive: true,
      reaped_at: null,
    });
  });
});
