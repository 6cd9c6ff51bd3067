import { AuthService, Role, TokenKind } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { withToken } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.dispose();
});

function authClient(secret?: string) {
  return createClient(
    AuthService,
    createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [withToken(secret)] }),
  );
}

describe("AuthService over gRPC", () => {
  it("creates a token that works at once, and revoking it stops it at once", async () => {
    const admin = authClient(server.bootstrapToken);
    const created = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.VIEWER, name: "ci" });
    expect(created.secret).toMatch(/^berth_[A-Za-z0-9_-]{43}$/);
    const viewer = authClient(created.secret);
    expect((await viewer.whoAmI({})).token).toMatchObject({ name: "ci", role: Role.VIEWER });

    await admin.revokeToken({ id: created.token!.id });
    await expect(viewer.whoAmI({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    const listed = (await admin.listTokens({})).tokens.find((t) => t.id === created.token!.id);
    expect(listed?.revokedAt).toBeDefined();
  });

  it("stores only hashes of secrets", async () => {
    const created = await authClient(server.bootstrapToken).createToken({
      kind: TokenKind.RUNNER,
      name: "agent-1",
    });
    const rows = await server.ctx.store.db.selectFrom("tokens").selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(created.secret);
    expect(rows.find((r) => r.id === created.token!.id)?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes token.create and token.revoke to the audit trail", async () => {
    const admin = authClient(server.bootstrapToken);
    const created = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "audited" });
    await admin.revokeToken({ id: created.token!.id });
    const rows = await server.ctx.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("target", "=", created.token!.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.action, r.actor_name])).toEqual([
      ["token.create", "bootstrap"],
      ["token.revoke", "bootstrap"],
    ]);
  });

  it("rejects bad input with InvalidArgument naming the field", async () => {
    const admin = authClient(server.bootstrapToken);
    await expect(
      admin.createToken({ kind: TokenKind.LOGIN, role: Role.ADMIN, name: "" }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: "field name: must be at least 1 characters",
    });
    await expect(admin.createToken({ kind: TokenKind.ENTRYPOINT, name: "x" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("field kind:"),
    });
    await expect(admin.createToken({ kind: TokenKind.LOGIN, name: "no role" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("field role:"),
    });
    await expect(admin.revokeToken({ id: "01NOSUCHTOKEN" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it("says Unauthenticated without a token and PermissionDenied to a viewer listing tokens", async () => {
    await expect(authClient().whoAmI({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    const { secret } = await issueToken(server.ctx.store.db, { kind: "login", role: "viewer", name: "v" });
    await expect(authClient(secret).listTokens({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: 'berth.v1.AuthService/ListTokens needs role admin or higher; token "v" has role viewer',
    });
    const entry = await issueToken(server.ctx.store.db, {
      kind: "entrypoint",
      name: "e",
      deploymentId: "d1",
    });
    expect((await authClient(entry.secret).whoAmI({})).token?.deploymentId).toBe("d1");
    await expect(authClient(entry.secret).listTokens({})).rejects.toMatchObject({
      code: Code.PermissionDenied,
    });
  });

  it("exchanges a login code once for a login token of the code's role", async () => {
    const admin = authClient(server.bootstrapToken);
    const { code, expiresAt } = await admin.createLoginCode({ role: Role.DEPLOYER, name: "dashboard" });
    expect(Number(expiresAt!.seconds) * 1000).toBeGreaterThan(Date.now() + 9 * 60_000);
    const anonymous = authClient();
    const redeemed = await anonymous.redeemLoginCode({ code });
    expect((await authClient(redeemed.secret).whoAmI({})).token).toMatchObject({
      name: "dashboard",
      role: Role.DEPLOYER,
    });
    await expect(anonymous.redeemLoginCode({ code })).rejects.toMatchObject({ code: Code.Unauthenticated });
    await expect(anonymous.redeemLoginCode({ code: "short" })).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("field code"),
    });
  });

  it("derives a session token that ends with its parent and can revoke itself", async () => {
    const admin = authClient(server.bootstrapToken);
    const pasted = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "pasted" });
    const session = await authClient(pasted.secret).createSessionToken({ ttlSeconds: 3600 });
    expect(Number(session.token!.expiresAt!.seconds) * 1000).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect((await authClient(session.secret).whoAmI({})).token?.role).toBe(Role.DEPLOYER);
    await admin.revokeToken({ id: pasted.token!.id });
    await expect(authClient(session.secret).whoAmI({})).rejects.toMatchObject({
      code: Code.Unauthenticated,
    });

    const other = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.VIEWER, name: "other" });
    const own = await authClient(other.secret).createSessionToken({ ttlSeconds: 60 });
    await authClient(own.secret).revokeOwnToken({});
    await expect(authClient(own.secret).whoAmI({})).rejects.toMatchObject({ code: Code.Unauthenticated });
    expect((await authClient(other.secret).whoAmI({})).token?.name).toBe("other");
  });
});

describe("bootstrap token", () => {
  it("is minted on the first start only and keeps working after a restart", async () => {
    const first = await startTestServer();
    const secret = first.bootstrapToken;
    expect(secret).toMatch(/^berth_/);
    await first.close();
    const second = await startTestServer({ dataDir: first.dataDir });
    try {
      expect(second.bootstrapToken).toBeUndefined();
      const client = createClient(
        AuthService,
        createGrpcTransport({ baseUrl: second.apiUrl, interceptors: [withToken(secret)] }),
      );
      expect((await client.whoAmI({})).token?.role).toBe(Role.ADMIN);
    } finally {
      await second.dispose();
    }
  });
});
