// The job queue and runners over real gRPC: an agent takes a build job, streams output and vanishes; the
// job fails with a clear reason after the timeout; output is replayed to late readers; nothing hangs.
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  JobKind,
  JobService,
  JobState,
  type RunnerJobStreamRequest,
  RunnerJobStreamRequestSchema,
  RunnerService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertBuild } from "../src/history/insert-history.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { AsyncQueue } from "../src/runners/async-queue.js";
import { defaultServerOptions } from "../src/server-options.js";
import { type RunningServer, startServer } from "../src/start-server.js";
import { withToken } from "./helpers/api-client.js";
import { createTestDatabase, storeDialects, type TestDatabase } from "./helpers/test-stores.js";

let server: RunningServer;
let dataDir: string;
let transport: Transport;
const app = { project: "shop", app: "web" };

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A hand-driven runner agent on a real RunnerJobStream. */
function connectAgent(name: string) {
  const outbox = new AsyncQueue<RunnerJobStreamRequest>();
  const abort = new AbortController();
  const send = (msg: RunnerJobStreamRequest["msg"]) =>
    outbox.push(create(RunnerJobStreamRequestSchema, { msg }));
  send({ case: "hello", value: { $typeName: "berth.v1.RunnerJobStreamRequest.Hello", name, kind: "agent" } });
  const responses = createClient(RunnerService, transport).runnerJobStream(outbox, { signal: abort.signal });
  const it = responses[Symbol.asyncIterator]();
  return {
    send,
    async next(kind: string) {
      for (;;) {
        const r = await it.next();
        if (r.done) throw new Error("stream ended");
        if (r.value.msg.case === kind) return r.value.msg;
      }
    },
    vanish: () => abort.abort(),
  };
}

describe.each(storeDialects)("jobs and runners on %s", (storeDialect) => {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    process.env.BERTH_JOB_TIMEOUT_MS = "1500";
    dataDir = mkdtempSync(join(tmpdir(), "berth-jobs-"));
    database = storeDialect === "postgres" ? await createTestDatabase() : undefined;
    server = await startServer({
      store: database?.url,
      ...defaultServerOptions(dataDir),
      stopAppsOnExit: true, // its apps end with it (a production server leaves them running)
      apiPort: 0,
      routerPort: 0,
      logger: pino({ level: "silent" }),
    });
    await upsertApplication(server.ctx.store.db, { ...app, labels: {}, configJson: "" });
    const { secret } = await issueToken(server.ctx.store.db, {
      kind: "login",
      role: "deployer",
      name: "dev",
    });
    transport = createGrpcTransport({
      baseUrl: server.apiUrl,
      interceptors: [withToken(secret)],
    });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(`${dataDir}-apps`, { recursive: true, force: true });
  });

  it("fails a job whose runner vanished mid-job with the reason, and replays its output", async () => {
    const jobs = createClient(JobService, transport);
    const agent = connectAgent("flaky-agent");
    await agent.next("registered");
    const { job } = await jobs.queueJob({
      app,
      kind: JobKind.BUILD,
      params: { case: "build", value: { configJson: "{}" } },
    });
    const assigned = await agent.next("assignment");
    expect(assigned.value).toMatchObject({ id: job!.id });
    agent.send({
      case: "event",
      value: {
        $typeName: "berth.v1.RunnerJobStreamRequest.Event",
        jobId: job!.id,
        event: {
          $typeName: "berth.v1.JobEvent",
          seq: 0n,
          event: {
            case: "line",
            value: { $typeName: "berth.v1.JobEvent.Line", step: "command", stream: 1, text: "compiling…" },
          },
        },
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    agent.vanish();

    // GetJobStream replays what happened so far, then follows until the watchdog ends the job.
    const seen: string[] = [];
    let last = undefined as undefined | { state: JobState; error: string };
    for await (const res of jobs.getJobStream({ id: job!.id })) {
      for (const e of res.events)
        seen.push(e.event.case === "line" ? `line:${e.event.value.text}` : `${e.event.case}`);
      last = res.job;
    }
    expect(seen).toEqual(["state", "state", "line:compiling…", "state"]);
    expect(last?.state).toBe(JobState.ERROR);
    expect(last?.error).toBe('runner "flaky-agent" (agent) stopped responding: no heartbeat for 2s');

    const replay: string[] = [];
    for await (const res of jobs.getJobStream({ id: job!.id, afterSeq: 2n }))
      for (const e of res.events) replay.push(`${e.seq}:${e.event.case}`);
    expect(replay).toEqual(["3:line", "4:state"]);

    const builds = await server.ctx.store.db.selectFrom("builds").selectAll().execute();
    expect(builds.map((b) => [b.status, b.job_id])).toEqual([["failed", job!.id]]);
    // The lifecycle log tells the same story, with who queued the job and why it failed.
    const logged = await server.ctx.store.db
      .selectFrom("lifecycle_events")
      .select(["kind", "actor_name", "reason", "job_id"])
      .where("build_id", "=", builds[0]!.id)
      .orderBy("time")
      .orderBy("id")
      .execute();
    expect(logged).toEqual([
      { kind: "build.started", actor_name: "dev", reason: "", job_id: job!.id },
      { kind: "build.failed", actor_name: "dev", reason: last?.error, job_id: job!.id },
    ]);
  });

  it("fails a job queued for a runner that is not connected instead of waiting forever", async () => {
    const jobs = createClient(JobService, transport);
    const { job } = await jobs.queueJob({
      app,
      kind: JobKind.BUILD,
      targetRunnerId: "01NOTCONNECTED",
      params: { case: "build", value: { configJson: "{}" } },
    });
    let last = undefined as undefined | { state: JobState; error: string };
    for await (const res of jobs.getJobStream({ id: job!.id })) last = res.job;
    expect(last?.state).toBe(JobState.ERROR);
    expect(last?.error).toMatch(/the runner this job was queued for \(01NOTCONNECTED\) is not connected/);
  });

  it("refuses a build with nobody to run it, and lists runners with their online state", async () => {
    const jobs = createClient(JobService, transport);
    const err = await jobs.queueJob({ app, kind: JobKind.BUILD }).catch((e: unknown) => e);
    expect(String(err)).toContain("no runner agent is connected to build this job");
    const { runners } = await createClient(RunnerService, transport).listRunners({});
    expect(runners.find((r) => r.kind === "builtin")?.online).toBe(true);
    expect(runners.find((r) => r.name === "flaky-agent")?.online).toBe(false);
  });

  it("cancelling a deploy stops its instances and records the deployment as failed", async () => {
    const db = server.ctx.store.db;
    const srcDir = join(dataDir, "never-listens");
    mkdirSync(srcDir);
    writeFileSync(join(srcDir, "idle.js"), "setInterval(() => {}, 1000);");
    const packed = await packDirectory(srcDir, join(dataDir, "packed"));
    await engineOf(server.ctx).artifacts.receive(
      packed.digest,
      packed.sizeBytes,
      createReadStream(packed.path),
    );
    const appRow = await upsertApplication(db, {
      project: "shop",
      app: "idle",
      labels: {},
      configJson: JSON.stringify({
        deploy: { command: "node idle.js", count: 1, health: { path: "/", startTimeoutMs: 60_000 } },
      }),
    });
    const build = await insertBuild(db, {
      appId: appRow.id,
      status: "success",
      artifactDigest: packed.digest,
      artifactSize: packed.sizeBytes,
    });
    const jobs = createClient(JobService, transport);
    const { job } = await jobs.queueJob({
      app: { project: "shop", app: "idle" },
      kind: JobKind.DEPLOY,
      params: { case: "deploy", value: { buildId: build.id } },
    });
    const deployment = await until("the deployment to start", async () => {
      const d = await db
        .selectFrom("deployments")
        .selectAll()
        .where("app_id", "=", appRow.id)
        .executeTakeFirst();
      return d && engineOf(server.ctx).platform.instances(d.id)[0]?.pid ? d : undefined;
    });
    const pid = engineOf(server.ctx).platform.instances(deployment.id)[0]!.pid;
    const cancelled = await jobs.cancelJob({ id: job!.id });
    expect(cancelled.job?.state).toBe(JobState.CANCELLED);
    const failed = await until("the deployment to be failed", async () => {
      const d = await db
        .selectFrom("deployments")
        .selectAll()
        .where("id", "=", deployment.id)
        .executeTakeFirst();
      return d?.status === "failed" ? d : undefined;
    });
    expect(failed.error).toBe("the deploy was cancelled");
    const logged = await db
      .selectFrom("lifecycle_events")
      .select(["kind", "reason", "job_id", "build_id"])
      .where("deployment_id", "=", deployment.id)
      .orderBy("time")
      .orderBy("id")
      .execute();
    expect(logged).toEqual([
      { kind: "deployment.created", reason: "", job_id: job!.id, build_id: build.id },
      { kind: "deployment.failed", reason: "the deploy was cancelled", job_id: job!.id, build_id: build.id },
    ]);
    // Its instances ended for good: no entrypoint token of it is left valid.
    const valid = await db
      .selectFrom("tokens")
      .select("id")
      .where("deployment_id", "=", deployment.id)
      .where("revoked_at", "is", null)
      .execute();
    expect(valid).toEqual([]);
    await until("the instance to be gone", async () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    });
  });
});
