// Logs and exec across replicas: an app's entrypoint is connected to replica A; a user who reaches replica B
// follows its logs (every line the app wrote, exactly once, across a reconnect with the cursor) and runs commands
// in it (output, resize, exit code), B forwarding to A with its replica token. The exec is audited once, by B.
import {
  LogService,
  ProjectService,
  ReplicaService,
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { type ReplicaSet, startReplicaSet } from "./helpers/replica-set.js";
import {
  entrypointToken,
  loginToken,
  runtimeClients,
  type SeededDeployment,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "./helpers/runtime-fixture.js";
import type { TestServer } from "./helpers/test-server.js";
import { until } from "./helpers/until.js";

let set: ReplicaSet | undefined;
const entrypoints: SpawnedEntrypoint[] = [];
afterEach(async () => {
  await Promise.all(entrypoints.splice(0).map(stopEntrypoint));
  await set?.dispose();
  set = undefined;
});

/** Two replicas; one instance whose entrypoint runs `command` connected to A, and A's record of it. */
async function appOnReplicaA(command: string) {
  set = await startReplicaSet(2);
  const [a, b] = set.replicas as [TestServer, TestServer];
  const { db } = a.ctx.store;
  const d: SeededDeployment = await seedDeployment(db);
  const instanceId = d.instanceIds[0]!;
  entrypoints.push(
    spawnEntrypoint({
      apiUrl: a.apiUrl,
      token: await entrypointToken(db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId,
      command,
    }),
  );
  await until("the entrypoint's connection recorded as A's", async () => {
    const row = await db
      .selectFrom("entrypoint_connections")
      .selectAll()
      .where("instance_id", "=", instanceId)
      .executeTakeFirst();
    return row?.replica_id === a.ctx.replicaId && row.connected === 1;
  });
  return { a, b, d, instanceId };
}

/** The first message of a server stream (its error, when the call is refused). */
const firstOf = <T>(stream: AsyncIterable<T>) => stream[Symbol.asyncIterator]().next();

const total = 400;
const lineText = (n: number) => `line ${n}`;

describe("forwarding between replicas", () => {
  it("follows through replica B every line an app connected to A writes, resuming by cursor with none lost", async () => {
    // The app writes its lines over about two seconds, so the follower's reconnect falls among them.
    const { a, b, d, instanceId } = await appOnReplicaA(
      `n=0; while [ $n -lt ${total} ]; do n=$((n+1)); echo "line $n"; sleep 0.005; done; exec sleep 1000`,
    );
    const { logs } = runtimeClients(b.apiUrl, await loginToken(b.ctx.store.db, "viewer"));
    const got: string[] = [];
    let cursor = "";
    let lastSeq = 0n;
    const first = new AbortController();
    for await (const r of logs.getLogStream(
      { deploymentId: d.deploymentId, follow: true, tailLines: total },
      { signal: first.signal },
    )) {
      got.push(...r.lines.map((l) => Buffer.from(l.data).toString()));
      lastSeq = r.lines.at(-1)?.seq ?? lastSeq;
      cursor = r.cursor;
      if (got.length >= 50) break;
    }
    first.abort();
    // The app writes on while B's follower is away: A's window holds lines past the cursor before the resume.
    const aLogs = entrypointRuntime(a.ctx).logs;
    await until("the app writing past the cursor", () => aLogs.extent(instanceId).lastSeq > Number(lastSeq));
    const second = new AbortController();
    let skipped = 0n;
    for await (const r of logs.getLogStream(
      { deploymentId: d.deploymentId, follow: true, cursor },
      { signal: second.signal },
    )) {
      skipped += r.skipped + r.dropped;
      got.push(...r.lines.map((l) => Buffer.from(l.data).toString()));
      if (got.length >= total) break;
    }
    second.abort();
    expect(got).toEqual(Array.from({ length: total }, (_, i) => lineText(i + 1)));
    expect(skipped).toBe(0n);
    // B has none of these lines itself: they came from A.
    expect(entrypointRuntime(b.ctx).logs.extent(instanceId).lastSeq).toBe(0);

    // One instance's backfill, without follow, goes the same way.
    const backfill: string[] = [];
    for await (const r of logs.getLogStream({ instanceId, tailLines: total }))
      backfill.push(...r.lines.map((l) => Buffer.from(l.data).toString()));
    expect(backfill).toEqual(got);
  });

  it("runs an exec through replica B in the instance A holds: output, resize, exit code, audited once by B", async () => {
    const { a, b, d, instanceId } = await appOnReplicaA("exec sleep 1000");
    await until(
      "the app running",
      () => entrypointRuntime(a.ctx).sessions.get(instanceId)?.report?.appState === "running",
    );
    const { db } = b.ctx.store;
    const { exec } = runtimeClients(b.apiUrl, await loginToken(db, "deployer"));
    const input = createPushQueue<StartExecStreamRequest>();
    const send = (msg: MessageInitShape<typeof StartExecStreamRequestSchema>["msg"]) =>
      input.push(create(StartExecStreamRequestSchema, { msg }));
    send({
      case: "start",
      value: { deploymentId: d.deploymentId, args: ["sh"], tty: true, size: { cols: 80, rows: 24 } },
    });
    let out = "";
    let exitCode: number | undefined;
    let startedOn = "";
    let seen: (() => void) | undefined;
    const done = (async () => {
      for await (const r of exec.startExecStream(input)) {
        if (r.msg.case === "started") startedOn = r.msg.value.instanceId;
        if (r.msg.case === "stdout") out += Buffer.from(r.msg.value).toString();
        if (r.msg.case === "exit") exitCode = r.msg.value.code;
        seen?.();
      }
      input.end();
    })();
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        seen = () => re.test(out) && resolve();
        seen();
        done.then(() => reject(new Error(`exec ended before ${re}; output: ${out}`)), reject);
      });
    send({ case: "stdin", value: Buffer.from("echo hello-from-$BERTH_INSTANCE_ID; stty size\n") });
    await waitFor(new RegExp(`hello-from-${instanceId}\\r\\n24 80`));
    send({ case: "resize", value: { cols: 120, rows: 40 } });
    send({ case: "stdin", value: Buffer.from("stty size; exit 3\n") });
    await done;
    expect(out).toMatch(/40 120/);
    expect(exitCode).toBe(3);
    expect(startedOn).toBe(instanceId);

    // Audited once, on the shared store: by B, naming the user, the replica that ran it and the exit code.
    const audit = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "in", ["exec.start", "exec.run"])
      .orderBy("time")
      .execute();
    expect(audit.map((e) => [e.action, e.actor_name, e.target])).toEqual([
      ["exec.start", "deployer-user", instanceId],
      ["exec.run", "deployer-user", instanceId],
    ]);
    expect(JSON.parse(audit[1]!.details_json)).toMatchObject({
      via: "replica",
      replica: a.ctx.replicaId,
      exitCode: 3,
    });
  });

  it("lets a replica token call the forwarding methods only, and nobody else call them", async () => {
    set = await startReplicaSet(1);
    const [a] = set.replicas as [TestServer];
    const { db } = a.ctx.store;
    const replica = (await issueToken(db, { kind: "replica", name: "replica test" })).secret;
    const denied = await errorOf(clientFor(a, ProjectService, replica).listProjects({}));
    expect(denied.code).toBe(Code.PermissionDenied);
    const logs = await errorOf(
      firstOf(clientFor(a, LogService, replica).getLogStream({ deploymentId: "x" })),
    );
    expect(logs.code).toBe(Code.PermissionDenied);
    const admin = clientFor(a, ReplicaService, set.token);
    const forward = await errorOf(firstOf(admin.forwardLogStream({ request: { deploymentId: "x" } })));
    expect(forward.code).toBe(Code.PermissionDenied);
    expect(forward.rawMessage).toContain("needs a replica token");
  });
});
