// Developer self-service over real gRPC against a real server and SQLite file: personal tokens (made, listed,
// revoked by their owner; everyone's for admins) and the Get started page's one-time login code.
import { AuthService, Role } from "@berth/proto";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
/** Two people who signed in with tokens of their own, and an admin. */
let vera: string;
let dan: string;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  const db = server.ctx.store.db;
  vera = (await issueToken(db, { kind: "login", role: "viewer", name: "vera" })).secret;
  dan = (await issueToken(db, { kind: "login", role: "deployer", name: "dan" })).secret;
  admin = server.bootstrapToken!;
});
afterAll(async () => {
  await server.dispose();
});

const auth = (token: string) => clientFor(server, AuthService, token);
const day = 24 * 3600;

describe("personal tokens", () => {
  it("are made with a name, a role up to the caller's and an expiry, and work at once", async () => {
    const before = Date.now();
    const made = await auth(dan).createPersonalToken({
      name: "laptop",
      role: Role.VIEWER,
      ttlSeconds: 7 * day,
    });
    expect(made.secret).toMatch(/^berth_/);
    expect(made.token).toMatchObject({
      owner: "dan",
      mine: true,
      token: { name: "laptop", role: Role.VIEWER },
    });
    const expires = Number(made.token?.token?.expiresAt?.seconds) * 1000;
    expect(expires).toBeGreaterThanOrEqual(Math.floor((before + 7 * day * 1000) / 1000) * 1000);
    expect((await auth(made.secret).whoAmI({})).token?.name).toBe("laptop");
  });

  it("refuses a role above the caller's, naming the field", async () => {
    const err = await errorOf(
      auth(vera).createPersonalToken({ name: "x", role: Role.DEPLOYER, ttlSeconds: day }),
    );
    expect(err.code).toBe(Code.PermissionDenied);
    expect(err.rawMessage).toContain("field role: deployer is more than your own role (viewer)");
  });

  it("refuses a token without expiry or with an empty name", async () => {
    const noExpiry = await errorOf(
      auth(vera).createPersonalToken({ name: "x", role: Role.VIEWER, ttlSeconds: 0 }),
    );
    expect(noExpiry.code).toBe(Code.InvalidArgument);
    expect(noExpiry.rawMessage).toContain("ttl_seconds");
    const noName = await errorOf(
      auth(vera).createPersonalToken({ name: "", role: Role.VIEWER, ttlSeconds: day }),
    );
    expect(noName.rawMessage).toContain("name");
  });

  it("are listed to their owner only, and to admins with their owner's name", async () => {
    const made = await auth(vera).createPersonalToken({ name: "ci", role: Role.VIEWER, ttlSeconds: day });
    const id = made.token!.token!.id;
    // A token made with a personal token belongs to the same person.
    await auth(made.secret).createPersonalToken({ name: "ci-2", role: Role.VIEWER, ttlSeconds: day });
    const mine = (await auth(vera).listPersonalTokens({})).tokens;
    expect(mine.map((t) => t.token?.name)).toEqual(["ci-2", "ci"]);
    expect(mine.every((t) => t.mine && t.owner === "vera")).toBe(true);
    expect((await auth(dan).listPersonalTokens({})).tokens.map((t) => t.token?.id)).not.toContain(id);
    const all = (await auth(admin).listPersonalTokens({ allUsers: true })).tokens;
    expect(all.find((t) => t.token?.id === id)).toMatchObject({ owner: "vera", mine: false });
    const denied = await errorOf(auth(vera).listPersonalTokens({ allUsers: true }));
    expect(denied.code).toBe(Code.PermissionDenied);
  });

  it("are revoked by their owner (then refused) but not by someone else", async () => {
    const made = await auth(vera).createPersonalToken({ name: "temp", role: Role.VIEWER, ttlSeconds: day });
    const id = made.token!.token!.id;
    const stranger = await errorOf(auth(dan).revokePersonalToken({ id }));
    expect(stranger.code).toBe(Code.NotFound);
    expect((await auth(made.secret).whoAmI({})).token?.id).toBe(id);

    const revoked = await auth(vera).revokePersonalToken({ id });
    expect(revoked.token?.token?.revokedAt).toBeDefined();
    expect((await errorOf(auth(made.secret).whoAmI({}))).code).toBe(Code.Unauthenticated);
    // Non-personal tokens (the bootstrap token) are not revocable this way, even by id.
    const bootstrapId = (await auth(admin).whoAmI({})).token!.id;
    expect((await errorOf(auth(vera).revokePersonalToken({ id: bootstrapId }))).code).toBe(Code.NotFound);
  });

  it("are revocable by an admin, and every step is audited", async () => {
    const made = await auth(dan).createPersonalToken({ name: "old", role: Role.DEPLOYER, ttlSeconds: day });
    const id = made.token!.token!.id;
    await auth(admin).revokePersonalToken({ id });
    expect((await errorOf(auth(made.secret).whoAmI({}))).code).toBe(Code.Unauthenticated);
    const rows = await server.ctx.store.db
      .selectFrom("audit_events")
      .select(["action", "actor_name", "details_json"])
      .where("target", "=", id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.action, r.actor_name, JSON.parse(r.details_json).owner])).toEqual([
      ["token.create", "dan", "dan"],
      ["token.revoke", "bootstrap", "dan"],
    ]);
    expect(JSON.stringify(rows)).not.toContain(made.secret);
  });

  it("belong to the person a provider vouched for, identity included", async () => {
    const identity = {
      provider: "local",
      issuer: "http://idp",
      subject: "u1",
      email: "ola@example.com",
      groups: [],
    };
    const session = await issueToken(server.ctx.store.db, {
      kind: "login",
      role: "viewer",
      name: "s",
      identity,
    });
    const made = await auth(session.secret).createPersonalToken({
      name: "t",
      role: Role.VIEWER,
      ttlSeconds: day,
    });
    expect(made.token).toMatchObject({
      owner: "ola@example.com",
      token: { identity: { email: "ola@example.com" } },
    });
    // Another session of the same person sees it as theirs.
    const again = await issueToken(server.ctx.store.db, {
      kind: "login",
      role: "viewer",
      name: "s2",
      identity,
    });
    const listed = (await auth(again.secret).listPersonalTokens({})).tokens;
    expect(listed.map((t) => t.token?.id)).toEqual([made.token?.token?.id]);
  });
});

describe("the Get started page's one-time login code", () => {
  it("turns once into a personal token of the caller's role, within 5 minutes", async () => {
    const before = Date.now();
    const minted = await auth(dan).createOwnLoginCode({});
    expect(minted.code).toMatch(/^berthc_/);
    expect(minted.role).toBe(Role.DEPLOYER);
    expect(Number(minted.expiresAt?.seconds) * 1000).toBeLessThanOrEqual(before + 5 * 60_000 + 1000);

    const anonymous = clientFor(server, AuthService, "");
    const redeemed = await anonymous.redeemLoginCode({ code: minted.code });
    expect(redeemed.token).toMatchObject({ role: Role.DEPLOYER, name: "berth CLI of dan" });
    expect((await errorOf(anonymous.redeemLoginCode({ code: minted.code }))).code).toBe(Code.Unauthenticated);
    const mine = (await auth(dan).listPersonalTokens({})).tokens.map((t) => t.token?.id);
    expect(mine).toContain(redeemed.token?.id);
    // Its owner can revoke the CLI's token from the tokens page.
    await auth(dan).revokePersonalToken({ id: redeemed.token!.id });
    expect((await errorOf(auth(redeemed.secret).whoAmI({}))).code).toBe(Code.Unauthenticated);
  });

  it("is audited without the code", async () => {
    const minted = await auth(vera).createOwnLoginCode({});
    const rows = await server.ctx.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "login_code.create")
      .where("actor_name", "=", "vera")
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(minted.code);
  });
});
