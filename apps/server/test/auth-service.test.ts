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

  it("remembers when a token was last used", async () => {
    const admin = authClient(server.bootstrapToken);
    const created = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.VIEWER, name: "seen" });
    const listed = async () => (await admin.listTokens({})).tokens.find((t) => t.id === created.token!.id);
    expect((await listed())?.lastUsedAt).toBeUndefined();
    const before = Date.now();
    await authClient(created.secret).whoAmI({});
    const seen = Number((await listed())?.lastUsedAt?.seconds ?? 0) * 1000;
    expect(seen).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(seen).toBeLessThanOrEqual(Date.now());
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

describe("CreateExternalSessionToken (the BFF's OIDC sign-in)", () => {
  const identity = {
    provider: "keycloak",
    issuer: "https://id.example.com/realms/acme",
    subject: "u-42",
    email: "ada@example.com",
    groups: ["deployers"],
  };

  it("mints a token of the chosen role that carries the person into every audit event it causes", async () => {
    const admin = authClient(server.bootstrapToken);
    const bff = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.ADMIN, name: "bff" });
    const minted = await authClient(bff.secret).createExternalSessionToken({
      role: Role.DEPLOYER,
      ttlSeconds: 600,
      identity,
    });
    const me = (await authClient(minted.secret).whoAmI({})).token;
    expect(me).toMatchObject({
      role: Role.DEPLOYER,
      kind: TokenKind.LOGIN,
      name: "ada@example.com (keycloak)",
    });
    expect(me?.identity).toMatchObject(identity);
    expect(Number(me!.expiresAt!.seconds) * 1000).toBeLessThanOrEqual(Date.now() + 600_000);

    // Anything the person does is audited with their identity; a derived token inherits nothing silently.
    const derived = await authClient(minted.secret).createSessionToken({ ttlSeconds: 60 });
    const rows = await server.ctx.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("actor_token_id", "=", minted.token!.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.action)).toEqual(["session.sign_in", "token.create"]);
    for (const row of rows) expect(JSON.parse(row.actor_identity_json ?? "null")).toEqual(identity);
    expect(rows[1]?.target).toBe(derived.token!.id);

    // Revoking the BFF's token ends every session it minted.
    await admin.revokeToken({ id: bff.token!.id });
    await expect(authClient(minted.secret).whoAmI({})).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("is admin-only and refuses a request without an identity or role, naming the field", async () => {
    const admin = authClient(server.bootstrapToken);
    const deployer = await admin.createToken({ kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "d" });
    await expect(
      authClient(deployer.secret).createExternalSessionToken({ role: Role.ADMIN, ttlSeconds: 60, identity }),
    ).rejects.toMatchObject({ code: Code.PermissionDenied });
    await expect(
      admin.createExternalSessionToken({ role: Role.VIEWER, ttlSeconds: 60 }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringContaining("identity"),
    });
    await expect(
      admin.createExternalSessionToken({ role: Role.UNSPECIFIED, ttlSeconds: 60, identity }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("role") });
    await expect(
      admin.createExternalSessionToken({
        role: Role.VIEWER,
        ttlSeconds: 60,
        identity: { ...identity, subject: "" },
      }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringContaining("subject") });
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
