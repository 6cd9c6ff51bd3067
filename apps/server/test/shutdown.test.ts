import { connect } from "node:net";
import { Health, HealthCheckResponse_ServingStatus as Status } from "@berth/proto/grpc/health";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
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
});
