import { connect } from "node:net";
import {
  JobService,
  LogService,
  type RunnerJobStreamRequest,
  RunnerJobStreamRequestSchema,
  RunnerService,
} from "@berth/proto";
import { Health, HealthCheckResponse_ServingStatus as Status } from "@berth/proto/grpc/health";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { clientFor } from "./helpers/api-client.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "./helpers/runtime-fixture.js";
import { startTestServer } from "./helpers/test-server.js";

describe("graceful shutdown", () => {
  it("ends open streams, runs close hooks in reverse order, then closes the store and the port", async () => {
    const server = await startTestServer({ shutdownGraceMs: 20_000 });
    const order: string[] = [];
    server.ctx.onClose(() => void order.push("router"));
    server.ctx.onClose(async () => {
      // Hooks run before the store closes, so a subsystem can persist its last state.
      await server.ctx.store.db.selectFrom("meta").selectAll().execute();
      order.push("platform");
    });

    const health = createClient(Health, createGrpcTransport({ baseUrl: server.apiUrl }));
    const watch = health.watch({ service: "" })[Symbol.asyncIterator]();
    expect((await watch.next()).value?.status).toBe(Status.SERVING);

    const started = Date.now();
    const closing = server.close();
    expect((await watch.next()).value?.status).toBe(Status.NOT_SERVING);
    expect((await watch.next()).done).toBe(true);
    await closing;
    // Far inside the 20 s grace: the stream ended by itself, nothing had to be dropped by force.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(order).toEqual(["platform", "router"]);
    await expect(server.ctx.store.db.selectFrom("meta").selectAll().execute()).rejects.toThrow();
    await expect(fetch(`${server.apiUrl}/healthz`)).rejects.toThrow();
    await expect(server.close()).resolves.toBeUndefined();
    await server.dispose();
  });

  it("drops a connection that stays busy past the grace period", async () => {
    const server = await startTestServer({ shutdownGraceMs: 200 });
    // A raw HTTP/1.1 request whose body never finishes keeps its connection busy.
    const socket = connect(server.apiPort, "127.0.0.1").on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      "POST /berth.v1.AuthService/WhoAmI HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
    );
    const closedByServer = new Promise((resolve) => socket.once("close", resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    await closedByServer;
    await server.dispose();
  });

  it("does not wait for a connection that never sent a byte", async () => {
    const server = await startTestServer({ shutdownGraceMs: 20_000 });
    const socket = connect(server.apiPort, "127.0.0.1").on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    const closedByServer = new Promise((resolve) => socket.once("close", resolve));
    const started = Date.now();
    await server.close();
    await closedByServer;
    expect(Date.now() - started).toBeLessThan(10_000);
    await server.dispose();
  });

  it("ends job follow streams, log follows, runner streams and entrypoint sessions at once instead of waiting out the grace period", async () => {
    // A two-minute grace: were any stream left to run out the clock, close() would outlast this test's bound.
    const server = await startTestServer({ shutdownGraceMs: 120_000 });
    const db = server.ctx.store.db;
    const d = await seedDeployment(db, { count: 1 });
    const entry = spawnEntrypoint({
      apiUrl: server.apiUrl,
      token: await entrypointToken(db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId: d.instanceIds[0]!,
      command: "exec sleep 1000",
    });
    try {
      const { sessions } = entrypointRuntime(server.ctx);
      await pollUntil(() => sessions.isConnected(d.instanceIds[0]!), 15_000);
      // A build job no runner takes: its output stream follows until the job ends, which it never does.
      const job = await engineOf(server.ctx).queue.queue({
        kind: "build",
        project: d.project,
        app: d.app,
        params: { case: undefined },
      });
      // A runner agent waiting for work: its job stream stays open until the runner or the server leaves.
      const outbox = createPushQueue<RunnerJobStreamRequest>();
      outbox.push(
        create(RunnerJobStreamRequestSchema, {
          msg: { case: "hello", value: { name: "idle", kind: "agent" } },
        }),
      );
      const runner = clientFor(server, RunnerService, await loginToken(db, "admin"))
        .runnerJobStream(outbox)
        [Symbol.asyncIterator]();
      expect((await runner.next()).value?.msg.case).toBe("registered");
      // Like a real agent, it closes its side once the server ended the stream (and would then reconnect).
      const runnerEnded = (async () => {
        for (;;) if ((await runner.next()).done) return "ended";
      })()
        .catch(() => "ended")
        .finally(() => outbox.end());
      const jobs = clientFor(server, JobService, await loginToken(db, "viewer"));
      const stream = jobs.getJobStream({ id: job.id })[Symbol.asyncIterator]();
      expect((await stream.next()).done).toBe(false);
      const ended = (async () => {
        for (;;) if ((await stream.next()).done) return "ended";
      })().catch(() => "ended");

      // A log follower of the running instance: it waits for lines that never come.
      const follower = clientFor(server, LogService, await loginToken(db, "viewer"))
        .getLogStream({ deploymentId: d.deploymentId, follow: true })
        [Symbol.asyncIterator]();
      expect((await follower.next()).done).toBe(false);
      const followerEnded = (async () => {
        for (;;) if ((await follower.next()).done) return "ended";
      })().catch(() => "ended");

      await server.close();
      expect(await ended).toBe("ended");
      expect(await runnerEnded).toBe("ended");
      expect(await followerEnded).toBe("ended");
    } finally {
      await stopEntrypoint(entry);
      await server.dispose();
    }
  });
});
