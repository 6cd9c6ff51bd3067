import { AuthService } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withToken } from "./helpers/api-client.js";
import { bearer, loadProtos, serviceClient, unary } from "./helpers/grpc-js-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let token: string;
const clients: grpc.Client[] = [];

beforeAll(async () => {
  server = await startTestServer();
  token = server.bootstrapToken!;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.dispose();
});

function grpcClient(name: string, files: string[]): grpc.Client {
  const Ctor = serviceClient(loadProtos(files), name);
  const client = new Ctor(`127.0.0.1:${server.apiPort}`, grpc.credentials.createInsecure());
  clients.push(client);
  return client;
}

describe("one port, three protocols", () => {
  it("answers an independent @grpc/grpc-js client over gRPC h2c", async () => {
    const client = grpcClient("berth.v1.AuthService", ["berth/v1/auth_service.proto"]);
    const res = await unary<{ token: { name: string; role: string; kind: string } }>(
      client,
      "WhoAmI",
      {},
      bearer(token),
    );
    expect(res.token).toMatchObject({ name: "bootstrap", role: "ROLE_ADMIN", kind: "TOKEN_KIND_LOGIN" });
  });

  it("answers Connect over HTTP/1.1, gRPC-Web over HTTP/1.1 and connect-node's gRPC over HTTP/2", async () => {
    for (const transport of [
      createConnectTransport({
        baseUrl: server.apiUrl,
        httpVersion: "1.1",
        interceptors: [withToken(token)],
      }),
      createGrpcWebTransport({
        baseUrl: server.apiUrl,
        httpVersion: "1.1",
        interceptors: [withToken(token)],
      }),
      createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [withToken(token)] }),
    ]) {
      const res = await createClient(AuthService, transport).whoAmI({});
      expect(res.token?.name).toBe("bootstrap");
    }
  });

  it("reports SERVING through grpc.health.v1 to a grpc-js client", async () => {
    const client = grpcClient("grpc.health.v1.Health", ["grpc/health/v1/health.proto"]);
    const res = await unary<{ status: string }>(client, "Check", { service: "" });
    expect(res.status).toBe("SERVING");
    const auth = await unary<{ status: string }>(client, "Check", { service: "berth.v1.AuthService" });
    expect(auth.status).toBe("SERVING");
    await expect(unary(client, "Check", { service: "nope.Service" })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
  });

  it("serves /healthz and Prometheus /metrics over HTTP/1.1", async () => {
    expect(await (await fetch(`${server.apiUrl}/healthz`)).text()).toBe("ok\n");
    await createClient(AuthService, createConnectTransport({ baseUrl: server.apiUrl, httpVersion: "1.1" }))
      .whoAmI({})
      .catch(() => undefined);
    const metrics = await (await fetch(`${server.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /berth_rpc_requests_total\{method="berth.v1.AuthService\/WhoAmI",code="ok"\} \d+/,
    );
    expect(metrics).toMatch(
      /berth_rpc_requests_total\{method="berth.v1.AuthService\/WhoAmI",code="Unauthenticated"\} 1/,
    );
    expect(metrics).toContain("berth_process_cpu_seconds_total");
  });
});
