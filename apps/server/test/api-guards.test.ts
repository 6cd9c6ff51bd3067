import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { bearer, loadProtos, serviceClient, unary } from "./helpers/grpc-js-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

// The guards every RPC passes through (auth, policy, validation), seen by an independent grpc-js client.
let server: TestServer;
let root: grpc.GrpcObject;
const clients: grpc.Client[] = [];
beforeAll(async () => {
  server = await startTestServer();
  root = loadProtos([
    "berth/v1/project_service.proto",
    "berth/v1/config_service.proto",
    "berth/v1/deployment_service.proto",
  ]);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.dispose();
});

/**
 * connect-node percent-encodes grpc-message with encodeURIComponent and grpc-js decodes it with decodeURI,
 * which leaves reserved characters such as ":" as "%3A"; Go clients (grpcurl) decode them fully.
 */
async function failure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = (await call.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  )) as grpc.ServiceError;
  return { code: err.code, message: decodeURIComponent(err.details) };
}

function client(name: string): grpc.Client {
  const Ctor = serviceClient(root, name);
  const c = new Ctor(`127.0.0.1:${server.apiPort}`, grpc.credentials.createInsecure());
  clients.push(c);
  return c;
}

const token = async (kind: "login" | "entrypoint", role?: "viewer") =>
  (await issueToken(server.ctx.store.db, { kind, role, name: `${kind}-${role ?? "t"}`, deploymentId: "d1" }))
    .secret;

describe("API guards over plain gRPC", () => {
  it("answers UNAUTHENTICATED without a token and with a revoked one", async () => {
    const projects = client("berth.v1.ProjectService");
    await expect(unary(projects, "ListProjects", {})).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
      details: expect.stringContaining("ListProjects needs a token"),
    });
    const issued = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "r" });
    await unary(projects, "ListProjects", {}, bearer(issued.secret));
    await server.ctx.store.db
      .updateTable("tokens")
      .set({ revoked_at: Date.now() })
      .where("id", "=", issued.info.id)
      .execute();
    await expect(unary(projects, "ListProjects", {}, bearer(issued.secret))).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });

  it("answers PERMISSION_DENIED to an entrypoint token listing projects", async () => {
    await expect(
      unary(client("berth.v1.ProjectService"), "ListProjects", {}, bearer(await token("entrypoint"))),
    ).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining("needs a login token"),
    });
  });

  it("answers PERMISSION_DENIED to a viewer setting config", async () => {
    await expect(
      unary(
        client("berth.v1.ConfigService"),
        "SetConfigVars",
        { scope: "CONFIG_SCOPE_PROJECT", project: "shop", set: [{ name: "A", value: "1" }] },
        bearer(await token("login", "viewer")),
      ),
    ).rejects.toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      details: expect.stringContaining("deployer"),
    });
  });

  it("answers INVALID_ARGUMENT naming the field for a page size of 10^9 and a bad project name", async () => {
    const deployments = client("berth.v1.DeploymentService");
    const viewer = await token("login", "viewer");
    expect(
      await failure(
        unary(
          deployments,
          "ListDeployments",
          { app: { project: "shop", app: "web" }, pageSize: 1e9 },
          bearer(viewer),
        ),
      ),
    ).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      message: "field page_size: must be less than or equal to 1000",
    });
    const badName = await failure(
      unary(deployments, "ListDeployments", { app: { project: "Bad Name", app: "web" } }, bearer(viewer)),
    );
    expect(badName.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(badName.message).toMatch(/^field app\.project: a name is lowercase letters/);
    expect(badName.message).not.toContain("Bad Name");
  });
});
