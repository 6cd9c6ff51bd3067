import { appendFileSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthService,
  EventService,
  type RunnerJobStreamRequest,
  RunnerJobStreamRequestSchema,
  RunnerService,
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import {
  entrypointToken,
  pollUntil,
  runtimeClients,
  type SeededDeployment,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let entry: SpawnedEntrypoint;
let d: SeededDeployment;
let dir: string;
const feed = () => join(dir, "feed");

beforeAll(async () => {
  server = await startTestServer();
  d = await seedDeployment(server.ctx.store.db);
  dir = realpathSync(mkdtempSync(join(tmpdir(), "berth-revoke-")));
  writeFileSync(feed(), "");
  // The app prints each line appended to the feed file, so the test decides when a log line is written.
  entry = spawnEntrypoint({
    apiUrl: server.apiUrl,
    token: await entrypointToken(server.ctx.store.db, d.deploymentId),
    deploymentId: d.deploymentId,
    instanceId: d.instanceIds[0]!,
    command: `exec tail -n 0 -F ${feed()}`,
    cwd: dir,
  });
  await pollUntil(
    () => entrypointRuntime(server.ctx).sessions.get(d.instanceIds[0]!)?.report?.appState === "running",
    10_000,
  );
});
afterAll(async () => {
  await stopEntrypoint(entry);
  await server.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A log follower of the deployment: the text lines it got, and how it ended. */
function follow(token: string) {
  const lines: string[] = [];
  const ac = new AbortController();
  const ended = (async () => {
    const { logs } = runtimeClients(server.apiUrl, token);
    for await (const r of logs.getLogStream(
      { deploymentId: d.deploymentId, follow: true },
      { signal: ac.signal },
    ))
      lines.push(...r.lines.map((l) => Buffer.from(l.data).toString()));
  })().then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  return { lines, ended, stop: () => ac.abort() };
}

/** An exec of `cat` (its pid in a file) under `token`: what it echoed, and how the stream ended. */
function execCat(token: string) {
  const input = createPushQueue<StartExecStreamRequest>();
  const pidFile = join(dir, "cat.pid");
  input.push(
    create(StartExecStreamRequestSchema, {
      msg: {
        case: "start",
        value: { deploymentId: d.deploymentId, args: ["sh", "-c", `echo $$ > ${pidFile}; exec cat`] },
      },
    }),
  );
  let out = "";
  const ended = (async () => {
    const { exec } = runtimeClients(server.apiUrl, token);
    for await (const r of exec.startExecStream(input))
      if (r.msg.case === "stdout") out += Buffer.from(r.msg.value).toString();
  })().then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  const send = (text: string) =>
    input.push(create(StartExecStreamRequestSchema, { msg: { case: "stdin", value: Buffer.from(text) } }));
  return { out: () => out, ended, send, pidFile, close: () => input.end() };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The error a stream ends with (reading it to its end); fails if it ends cleanly. */
const endOf = (it: AsyncIterator<unknown>) =>
  errorOf(
    (async () => {
      for (;;) if ((await it.next()).done) return;
    })(),
  );

/** Settles with the promise's value, or fails once `ms` passed. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe("revoking a token", () => {
  it("ends its open exec stream and log follower within a second; another token's follower goes on", async () => {
    const db = server.ctx.store.db;
    const admin = await issueToken(db, { kind: "login", role: "admin", name: "admin" });
    const leaving = await issueToken(db, { kind: "login", role: "deployer", name: "leaving" });
    const staying = await issueToken(db, { kind: "login", role: "viewer", name: "staying" });

    const revokedFollower = follow(leaving.secret);
    const otherFollower = follow(staying.secret);
    const exec = execCat(leaving.secret);
    exec.send("ping\n");
    await pollUntil(() => exec.out().includes("ping"), 10_000);
    const pid = Number(readFileSync(exec.pidFile, "utf8"));
    expect(alive(pid)).toBe(true);
    appendFileSync(feed(), "before-revoke\n");
    await pollUntil(
      () => revokedFollower.lines.includes("before-revoke") && otherFollower.lines.includes("before-revoke"),
      10_000,
    );

    await clientFor(server, AuthService, admin.secret).revokeToken({ id: leaving.info.id });

    const [execEnd, followEnd] = await within(
      1000,
      Promise.all([exec.ended, revokedFollower.ended]),
      "the end of the revoked token's streams",
    );
    expect(execEnd).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    expect(followEnd).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    // The exec'd command ends with its stream: it gets no more input.
    await pollUntil(() => !alive(pid), 10_000);

    appendFileSync(feed(), "after-revoke-42\n");
    await pollUntil(() => otherFollower.lines.includes("after-revoke-42"), 10_000);
    expect(revokedFollower.lines).not.toContain("after-revoke-42");
    otherFollower.stop();
    expect(await otherFollower.ended).toMatchObject({ code: Code.Canceled });
    exec.close();
  });

  it("ends a runner's job stream and an event watch, and the runner leaves the pool", async () => {
    const db = server.ctx.store.db;
    const admin = await issueToken(db, { kind: "login", role: "admin", name: "admin" });
    const runner = await issueToken(db, { kind: "runner", name: "agent-1" });
    const watcher = await issueToken(db, { kind: "login", role: "viewer", name: "watcher" });
    const runnerInput = createPushQueue<RunnerJobStreamRequest>();
    runnerInput.push(
      create(RunnerJobStreamRequestSchema, {
        msg: { case: "hello", value: { name: "agent-1", kind: "agent" } },
      }),
    );
    const jobs = clientFor(server, RunnerService, runner.secret)
      .runnerJobStream(runnerInput)
      [Symbol.asyncIterator]();
    const registered = (await jobs.next()).value?.msg;
    expect(registered?.case).toBe("registered");
    const runnerId = registered?.case === "registered" ? registered.value.runnerId : "";
    const events = clientFor(server, EventService, watcher.secret).watchEvents({})[Symbol.asyncIterator]();
    expect((await events.next()).value?.event.case).toBe("heartbeat");
    const hub = engineOf(server.ctx).hub;
    expect(hub.isConnected(runnerId)).toBe(true);

    const auth = clientFor(server, AuthService, admin.secret);
    await auth.revokeToken({ id: runner.info.id });
    await auth.revokeToken({ id: watcher.info.id });
    const [runnerEnd, watchEnd] = await within(
      1000,
      Promise.all([endOf(jobs), endOf(events)]),
      "the end of the revoked runner's and watcher's streams",
    );
    expect(runnerEnd).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    expect(watchEnd).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
    await pollUntil(() => !hub.isConnected(runnerId), 10_000);
    runnerInput.end();
  });

  it("ends the streams of a token that signs itself out (RevokeOwnToken)", async () => {
    const session = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "tab" });
    const events = clientFor(server, EventService, session.secret).watchEvents({})[Symbol.asyncIterator]();
    expect((await events.next()).value?.event.case).toBe("heartbeat");
    await clientFor(server, AuthService, session.secret).revokeOwnToken({});
    const end = await within(1000, endOf(events), "the end of the signed-out token's event watch");
    expect(end).toMatchObject({ code: Code.Unauthenticated, rawMessage: "token revoked" });
  });

  it("ends the session of a revoked entrypoint token; other sessions stay", async () => {
    const db = server.ctx.store.db;
    const admin = await issueToken(db, { kind: "login", role: "admin", name: "admin" });
    const other = await seedDeployment(db, { seq: 2 });
    const token = await issueToken(db, {
      kind: "entrypoint",
      name: "entrypoint v2",
      deploymentId: other.deploymentId,
    });
    const instanceId = other.instanceIds[0]!;
    const wrapped = spawnEntrypoint({
      apiUrl: server.apiUrl,
      token: token.secret,
      deploymentId: other.deploymentId,
      instanceId,
      command: "exec sleep 1000",
      cwd: dir,
    });
    try {
      const { sessions } = entrypointRuntime(server.ctx);
      await pollUntil(() => sessions.get(instanceId), 10_000);
      await clientFor(server, AuthService, admin.secret).revokeToken({ id: token.info.id });
      await pollUntil(() => sessions.get(instanceId) === undefined, 1000);
      // The first instance's session, under its own token, stays.
      expect(sessions.get(d.instanceIds[0]!)).toBeDefined();
    } finally {
      await stopEntrypoint(wrapped);
    }
  });
});
