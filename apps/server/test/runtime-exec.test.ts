import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type StartExecStreamRequest,
  StartExecStreamRequestSchema,
  type StartExecStreamResponse,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import {
  entrypointToken,
  loginToken,
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
let appDir: string;
let deployerToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const db = server.ctx.store.db;
  d = await seedDeployment(db);
  appDir = realpathSync(mkdtempSync(join(tmpdir(), "berth-app-")));
  entry = spawnEntrypoint({
    apiUrl: server.apiUrl,
    token: await entrypointToken(db, d.deploymentId),
    deploymentId: d.deploymentId,
    instanceId: d.instanceIds[0]!,
    command: "exec sleep 1000",
    cwd: appDir,
    env: { GREETING: "hello from config" },
  });
  await pollUntil(
    () => entrypointRuntime(server.ctx).sessions.get(d.instanceIds[0]!)?.report?.appState === "running",
    10_000,
  );
  deployerToken = await loginToken(db, "deployer");
});
afterAll(async () => {
  await stopEntrypoint(entry);
  await server.dispose();
  rmSync(appDir, { recursive: true, force: true });
});

type Msg = MessageInitShape<typeof StartExecStreamRequestSchema>["msg"];

/** Opens an exec stream; returns a way to send and the collected output. */
function openExec(args: string[], options: { tty?: boolean; token?: string; deploymentId?: string } = {}) {
  const input = createPushQueue<StartExecStreamRequest>();
  const send = (msg: Msg) => input.push(create(StartExecStreamRequestSchema, { msg }));
  send({
    case: "start",
    value: {
      deploymentId: options.deploymentId ?? d.deploymentId,
      args,
      tty: options.tty ?? false,
      size: { cols: 80, rows: 24 },
    },
  });
  const { exec } = runtimeClients(server.apiUrl, options.token ?? deployerToken);
  let stdout = "";
  let stderr = "";
  let onOutput: (() => void) | undefined;
  const responses: StartExecStreamResponse[] = [];
  const done = (async () => {
    let code: number | undefined;
    for await (const r of exec.startExecStream(input)) {
      responses.push(r);
      if (r.msg.case === "stdout") stdout += Buffer.from(r.msg.value).toString();
      if (r.msg.case === "stderr") stderr += Buffer.from(r.msg.value).toString();
      if (r.msg.case === "exit") code = r.msg.value.code;
      onOutput?.();
    }
    input.end();
    return code;
  })();
  const waitFor = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (re.test(stdout)) {
          onOutput = undefined;
          resolve();
        }
      };
      onOutput = check;
      check();
      done.then(() => reject(new Error(`exec ended before ${re} appeared; output: ${stdout}`)), reject);
    });
  return { send, done, waitFor, out: () => stdout, err: () => stderr, responses };
}

describe("exec through a real entrypoint", () => {
  it("runs in the app's directory with its env, and passes the exit code through", async () => {
    const e = openExec(["sh", "-c", 'echo "$BERTH_DEPLOYMENT_ID $GREETING"; pwd; echo bad >&2; exit 7']);
    expect(await e.done).toBe(7);
    expect(e.out()).toBe(`${d.deploymentId} hello from config\n${appDir}\n`);
    expect(e.err()).toBe("bad\n");
    expect(e.responses[0]!.msg).toMatchObject({ case: "started", value: { instanceId: d.instanceIds[0] } });
    const audit = await pollUntil(() =>
      server.ctx.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "exec.run")
        .executeTakeFirst(),
    );
    expect(JSON.parse(audit.details_json)).toMatchObject({
      exitCode: 7,
      args: ["sh", "-c", expect.any(String)],
    });
    expect(audit.actor_name).toBe("deployer-user");
    const started = await server.ctx.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "exec.start")
      .where("target", "=", audit.target)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(started.details_json).sessionId).toBe(JSON.parse(audit.details_json).sessionId);
    expect(started.time).toBeLessThanOrEqual(audit.time);
  });

  it("gives a PTY that follows resizes, and exits with the shell's code", async () => {
    const e = openExec(["sh"], { tty: true });
    e.send({ case: "stdin", value: Buffer.from("echo TERM=$TERM; stty size\n") });
    await e.waitFor(/TERM=xterm-256color\r\n24 80/);
    e.send({ case: "resize", value: { cols: 100, rows: 40 } });
    e.send({ case: "stdin", value: Buffer.from("stty size\n") });
    await e.waitFor(/40 100/);
    e.send({ case: "stdin", value: Buffer.from("exit 7\n") });
    expect(await e.done).toBe(7);
  });

  it("interrupts `yes` with Ctrl-C while it floods the terminal; what still arrives is bounded by flow control", async () => {
    const e = openExec(["yes"], { tty: true });
    // A flood well past every buffer on the way: 4 MB of output.
    await pollUntil(() => e.out().length > 4 << 20 || undefined, 30_000);
    const atCtrlC = e.out().length;
    e.send({ case: "stdin", value: Buffer.from("\x03") });
    expect(await e.done).toBe(130);
    // Only what was in flight when ^C was sent drains (about 0.5 MB here): buffers and windows on the way are
    // bounded, so the flood cannot keep the terminal busy after the interrupt. How fast is bench/'s job.
    expect(e.out().length - atCtrlC).toBeLessThan(8 << 20);
  });

  it("delivers 1 MB of input intact", async () => {
    const e = openExec(["sh", "-c", "wc -c; "]);
    const chunk = Buffer.alloc(64 * 1024, "x");
    for (let i = 0; i < 16; i++) e.send({ case: "stdin", value: chunk });
    e.send({ case: "closeStdin", value: true });
    expect(await e.done).toBe(0);
    expect(e.out().trim()).toBe("1048576");
  });

  it("targets an instance by id, and says when no entrypoint is connected", async () => {
    const input = createPushQueue<StartExecStreamRequest>();
    input.push(
      create(StartExecStreamRequestSchema, {
        msg: {
          case: "start",
          value: { instanceId: d.instanceIds[0]!, args: ["sh", "-c", "echo $BERTH_INSTANCE_ID"] },
        },
      }),
    );
    const { exec } = runtimeClients(server.apiUrl, deployerToken);
    let out = "";
    for await (const r of exec.startExecStream(input))
      if (r.msg.case === "stdout") out += Buffer.from(r.msg.value);
    expect(out.trim()).toBe(d.instanceIds[0]);
    const stopped = await seedDeployment(server.ctx.store.db, { seq: 5 });
    await server.ctx.store.db
      .updateTable("instances")
      .set({ state: "stopped" })
      .where("deployment_id", "=", stopped.deploymentId)
      .execute();
    const err = await openExec(["true"], { deploymentId: stopped.deploymentId }).done.catch((e) =>
      ConnectError.from(e),
    );
    expect(err).toMatchObject({
      code: Code.Unavailable,
      message: expect.stringContaining("has its entrypoint connected"),
    });
  });

  it("waits for the entrypoint of an instance that is running but not connected yet", async () => {
    const db = server.ctx.store.db;
    const fresh = await seedDeployment(db, { seq: 6 });
    const e = openExec(["sh", "-c", "echo late:$BERTH_INSTANCE_ID"], { deploymentId: fresh.deploymentId });
    // Asked before the entrypoint dialled in, as a terminal opened right after a deploy is.
    await pollUntil(() => entrypointRuntime(server.ctx).sessions.waitingForSessions > 0);
    const late = spawnEntrypoint({
      apiUrl: server.apiUrl,
      token: await entrypointToken(db, fresh.deploymentId),
      deploymentId: fresh.deploymentId,
      instanceId: fresh.instanceIds[0]!,
      command: "exec sleep 1000",
      cwd: appDir,
    });
    try {
      expect(await e.done).toBe(0);
      expect(e.out().trim()).toBe(`late:${fresh.instanceIds[0]}`);
    } finally {
      await stopEntrypoint(late);
    }
  });

  it("refuses a viewer, and a destroyed deployment", async () => {
    const db = server.ctx.store.db;
    const viewer = openExec(["true"], { token: await loginToken(db, "viewer") });
    await expect(viewer.done).rejects.toMatchObject({ code: Code.PermissionDenied });
    const gone = await seedDeployment(db, { seq: 9 });
    await db
      .updateTable("deployments")
      .set({ status: "destroyed" })
      .where("id", "=", gone.deploymentId)
      .execute();
    const err = await openExec(["true"], { deploymentId: gone.deploymentId }).done.catch((e) =>
      ConnectError.from(e),
    );
    expect(err).toMatchObject({ code: Code.FailedPrecondition });
  });
});
