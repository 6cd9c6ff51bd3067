import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import {
  recordEntrypointConnected,
  recordEntrypointDisconnected,
  remoteEntrypointHolders,
} from "./entrypoint-connections.js";
import { registerReplica } from "./replica-registry.js";

let opened: TestStore | undefined;
afterEach(async () => {
  await opened?.dispose();
  opened = undefined;
});

describe.each(storeDialects)("entrypoint connections on %s", (dialect) => {
  it("names the replica holding each entrypoint, keeps a newer session's row, and leaves out stopped and reaped replicas", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    for (const id of ["a", "b", "c", "d"])
      await registerReplica(db, { id, api_url: `http://${id}`, schema_version: "x" }, 1_000);
    const connect = (instanceId: string, replicaId: string, connectionId: string) =>
      recordEntrypointConnected(db, { instanceId, deploymentId: "dep", replicaId, connectionId });
    await connect("i1", "a", "s1");
    await connect("i2", "b", "s2");
    await connect("i3", "c", "s3");
    await connect("i4", "d", "s4");

    // i1 moves to b; the old session on a ends afterwards and must not mark b's session disconnected.
    await connect("i1", "b", "s5");
    await recordEntrypointDisconnected(db, "i1", "s1");
    // i2's own session ends: b still holds its window.
    await recordEntrypointDisconnected(db, "i2", "s2");
    await db.updateTable("replicas").set({ stopped_at: 2_000 }).where("id", "=", "c").execute();
    await db.updateTable("replicas").set({ reaped_at: 2_000 }).where("id", "=", "d").execute();

    const holders = await remoteEntrypointHolders(db, { deploymentId: "dep" }, "a");
    expect(holders.map((h) => [h.instanceId, h.replicaId, h.apiUrl, h.connected])).toEqual([
      ["i1", "b", "http://b", true],
      ["i2", "b", "http://b", false],
    ]);
    expect(await remoteEntrypointHolders(db, { instanceId: "i1" }, "b")).toEqual([]);
    expect((await remoteEntrypointHolders(db, { instanceId: "i2" }, "a")).map((h) => h.replicaId)).toEqual([
      "b",
    ]);
  });
});
