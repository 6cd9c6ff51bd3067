import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import type { Store } from "../store/open-store.js";
import { createLoginCode, loginCodeTtlMs, redeemLoginCode } from "./login-codes.js";
import { createTokenStreams } from "./token-streams.js";
import { issueToken, listTokens, revokeDeploymentTokens, revokeToken, verifyToken } from "./tokens.js";

describe.each(storeDialects)("on %s", (dialect) => {
  let opened: TestStore;
  let store: Store;
  beforeEach(async () => {
    opened = await openTestStore(dialect);
    store = opened.store;
  });
  afterEach(async () => {
    await opened.dispose();
  });

  describe("tokens", () => {
    it("issues a secret that verifies to its caller", async () => {
      const { info, secret } = await issueToken(store.db, { kind: "login", role: "deployer", name: "dev" });
      expect(secret).toMatch(/^berth_[A-Za-z0-9_-]{43}$/);
      expect(await verifyToken(store.db, secret)).toEqual({
        tokenId: info.id,
        kind: "login",
        role: "deployer",
        name: "dev",
        deploymentId: "",
      });
      expect(await verifyToken(store.db, `${secret}x`)).toBeUndefined();
      expect(await verifyToken(store.db, "not-a-berth-token")).toBeUndefined();
    });

    it("scopes entrypoint tokens to a deployment and never gives them a role", async () => {
      const { secret } = await issueToken(store.db, {
        kind: "entrypoint",
        role: "admin",
        name: "web v1 #0",
        deploymentId: "dep1",
      });
      expect(await verifyToken(store.db, secret)).toMatchObject({
        kind: "entrypoint",
        role: "",
        deploymentId: "dep1",
      });
      const streams = createTokenStreams();
      const caller = await verifyToken(store.db, secret);
      const open = streams.open(caller!.tokenId);
      expect(await revokeDeploymentTokens(store.db, streams, "dep1")).toBe(1);
      expect(open.signal.aborted).toBe(true);
      expect(await verifyToken(store.db, secret)).toBeUndefined();
    });

    it("refuses a login token without a role", async () => {
      await expect(issueToken(store.db, { kind: "login", name: "x" })).rejects.toThrow("needs a role");
    });

    it("stops verifying revoked and expired tokens", async () => {
      const revoked = await issueToken(store.db, { kind: "runner", name: "r" });
      const streams = createTokenStreams();
      const open = streams.open(revoked.info.id);
      expect((await revokeToken(store.db, streams, revoked.info.id))?.revokedAt).toBeDefined();
      expect(open.signal.reason).toMatchObject({ rawMessage: "token revoked" });
      expect(await verifyToken(store.db, revoked.secret)).toBeUndefined();
      expect(await revokeToken(store.db, streams, "nope")).toBeUndefined();

      const expiring = await issueToken(store.db, { kind: "runner", name: "t", ttlMs: 60_000 });
      expect(await verifyToken(store.db, expiring.secret)).toBeDefined();
      await store.db
        .updateTable("tokens")
        .set({ expires_at: Date.now() - 1 })
        .execute();
      expect(await verifyToken(store.db, expiring.secret)).toBeUndefined();
      expect((await listTokens(store.db)).map((t) => t.name)).toEqual(["t", "r"]);
    });
  });

  describe("derived tokens", () => {
    it("end with their parent: revoking it revokes them, and an expired parent is refused", async () => {
      const parent = await issueToken(store.db, { kind: "login", role: "admin", name: "pasted" });
      const child = await issueToken(store.db, {
        kind: "login",
        role: "admin",
        name: "session",
        parentId: parent.info.id,
      });
      const grandchild = await issueToken(store.db, {
        kind: "login",
        role: "admin",
        name: "session of session",
        parentId: child.info.id,
      });
      const sibling = await issueToken(store.db, { kind: "login", role: "admin", name: "other" });
      expect(await verifyToken(store.db, grandchild.secret)).toBeDefined();

      const streams = createTokenStreams();
      const grandchildStream = streams.open(grandchild.info.id);
      const siblingStream = streams.open(sibling.info.id);
      await revokeToken(store.db, streams, parent.info.id);
      // Revoking a parent ends the open streams of everything derived from it, and only those.
      expect(grandchildStream.signal.aborted).toBe(true);
      expect(siblingStream.signal.aborted).toBe(false);
      expect(await verifyToken(store.db, child.secret)).toBeUndefined();
      expect(await verifyToken(store.db, grandchild.secret)).toBeUndefined();
      expect(await verifyToken(store.db, sibling.secret)).toBeDefined();
      const revoked = (await listTokens(store.db)).filter((t) => t.revokedAt).map((t) => t.name);
      expect(revoked.sort()).toEqual(["pasted", "session", "session of session"]);

      // Expiry of a parent is checked at verification (its children may have been issued for longer).
      const expiring = await issueToken(store.db, { kind: "login", role: "viewer", name: "short" });
      const derived = await issueToken(store.db, {
        kind: "login",
        role: "viewer",
        name: "derived",
        parentId: expiring.info.id,
      });
      expect(await verifyToken(store.db, derived.secret)).toBeDefined();
      await store.db
        .updateTable("tokens")
        .set({ expires_at: Date.now() - 1 })
        .where("id", "=", expiring.info.id)
        .execute();
      expect(await verifyToken(store.db, derived.secret)).toBeUndefined();
    });
  });

  describe("login codes", () => {
    it("redeem once, for a login token of the code's role", async () => {
      const { code, expiresAt } = await createLoginCode(store.db, {
        role: "viewer",
        name: "link",
        createdBy: "t1",
      });
      expect(expiresAt - Date.now()).toBeLessThanOrEqual(loginCodeTtlMs);
      const [a, b] = await Promise.all([
        redeemLoginCode(store.db, code, 60_000),
        redeemLoginCode(store.db, code, 60_000),
      ]);
      const winners = [a, b].filter((x) => x !== undefined);
      expect(winners).toHaveLength(1);
      expect(await verifyToken(store.db, winners[0]!.secret)).toMatchObject({ role: "viewer", name: "link" });
      expect(await redeemLoginCode(store.db, code, 60_000)).toBeUndefined();
    });

    it("expire after ten minutes and are stored hashed", async () => {
      const { code } = await createLoginCode(store.db, { role: "admin", name: "late", createdBy: "t1" });
      const rows = await store.db.selectFrom("login_codes").selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(code);
      await store.db
        .updateTable("login_codes")
        .set({ expires_at: Date.now() - 1 })
        .execute();
      expect(await redeemLoginCode(store.db, code, 60_000)).toBeUndefined();
    });
  });
});
