// The replica a log follower reached is SIGKILLed (real processes): the follower resumes through another replica
// with its last cursor and gets every line the app wrote, the ones written while it was away included, once each.
// The app's entrypoint stays on replica A; B and C forward to it. The test plays the client that moves on to the
// next address (as packages/failover does for the CLI): what is under test is that a cursor handed out by one
// forwarding replica resumes exactly through another.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogService } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { clientFor } from "./helpers/api-client.js";
import {
  entrypointToken,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "./helpers/runtime-fixture.js";
import { type SpawnedServer, spawnServer } from "./helpers/spawn-server.js";
import { createTestDatabase, type TestDatabase } from "./helpers/test-stores.js";
import { until } from "./helpers/until.js";

let database: TestDatabase | undefined;
let store: Store | undefined;
let entrypoint: SpawnedEntrypoint | undefined;
const children: SpawnedServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  if (entrypoint) await stopEntrypoint(entrypoint);
  entrypoint = undefined;
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGTERM");
    await c.exited;
  }
  await store?.close();
  store = undefined;
  await database?.drop();
  database = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The number of a `tick N` line. */
const tickOf = (data: Uint8Array) =>
  Number(/^tick (\d+)$/.exec(Buffer.from(data).toString())?.[1] ?? Number.NaN);

describe("a follower's replica killed", () => {
  it("resumes through another replica with the cursor and loses no line", { timeout: 90_000 }, async () => {
    database = await createTestDatabase();
    const env = {
      BERTH_STORE: database.url,
      BERTH_REPLICA_HEARTBEAT_MS: "200",
      BERTH_REPLICA_MISSED_BEATS: "3",
    };
    for (let i = 0; i < 3; i++) {
      dirs.push(mkdtempSync(join(tmpdir(), "berth-forward-")));
      children.push(await spawnServer(dirs[i]!, { env }));
    }
    const [a, b, c] = children as [SpawnedServer, SpawnedServer, SpawnedServer];
    store = await openStore({ url: database.url });
    const { db } = store;
    const d = await seedDeployment(db);
    entrypoint = spawnEntrypoint({
      apiUrl: a.apiUrl,
      token: await entrypointToken(db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId: d.instanceIds[0]!,
      command: "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.01; done",
    });
    await until("the entrypoint held by A", async () => {
      const row = await db
        .selectFrom("entrypoint_connections")
        .select(["replica_id", "connected"])
        .where("instance_id", "=", d.instanceIds[0]!)
        .executeTakeFirst();
      return row?.connected === 1 && row.replica_id !== "";
    });
    const viewer = (await issueToken(db, { kind: "login", role: "viewer", name: "follower" })).secret;

    // Following through B, from the app's first line.
    const ticks: number[] = [];
    let cursor = "";
    const request = { deploymentId: d.deploymentId, follow: true, tailLines: 100_000 };
    const throughB = clientFor(b, LogService, viewer).getLogStream(request);
    let killed = false;
    const lost = await (async () => {
      try {
        for await (const r of throughB) {
          ticks.push(...r.lines.map((l) => tickOf(l.data)));
          cursor = r.cursor;
          if (ticks.length >= 30 && !killed) {
            killed = true;
            b.child.kill("SIGKILL");
          }
        }
        return undefined;
      } catch (err) {
        return ConnectError.from(err);
      }
    })();
    // The stream breaks with its replica (how the HTTP/2 stream ends decides the code: unavailable or canceled).
    expect([Code.Unavailable, Code.Canceled]).toContain(lost?.code);
    const atKill = ticks.at(-1)!;

    // The app writes on while the follower has no replica: A holds lines past the cursor before it resumes.
    const logsOnA = clientFor(a, LogService, viewer);
    await until("the app writing on", async () => {
      for await (const r of logsOnA.getLogStream({ deploymentId: d.deploymentId, tailLines: 1 }))
        if (r.lines.some((l) => tickOf(l.data) > atKill + 10)) return true;
      return false;
    });

    const resumed = new AbortController();
    for await (const r of clientFor(c, LogService, viewer).getLogStream(
      { ...request, cursor },
      { signal: resumed.signal },
    )) {
      expect(r.skipped + r.dropped).toBe(0n);
      ticks.push(...r.lines.map((l) => tickOf(l.data)));
      if ((ticks.at(-1) ?? 0) >= atKill + 50) break;
    }
    resumed.abort();
    // Every line from the first, in order, once each: none lost while B died, none twice.
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1));
    expect(ticks.length).toBeGreaterThanOrEqual(atKill + 50);
  });
});
