import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueToken, verifyToken } from "../auth/tokens.js";
import { openStore, type Store } from "../store/open-store.js";
import { renewTokenIfDue } from "./token-renewal.js";

let store: Store;
beforeEach(async () => {
  store = await openStore({ path: ":memory:" });
});
afterEach(async () => {
  await store.close();
});

describe("renewTokenIfDue", () => {
  it("renews a token past half its lifetime with one of the same lifetime and deployment", async () => {
    const { info } = await issueToken(store.db, {
      kind: "entrypoint",
      name: "ep",
      deploymentId: "d1",
      ttlMs: 60_000,
    });
    const created = Date.now();
    expect(await renewTokenIfDue(store.db, info.id, "d1", created + 10_000)).toBeUndefined();
    const renewed = await renewTokenIfDue(store.db, info.id, "d1", created + 40_000);
    expect(renewed).toBeDefined();
    expect(renewed!.expiresAtMs).toBeGreaterThanOrEqual(created + 60_000);
    const caller = await verifyToken(store.db, renewed!.secret);
    expect(caller).toMatchObject({ kind: "entrypoint", deploymentId: "d1" });
  });

  it("leaves tokens without an expiry, and revoked ones, alone", async () => {
    const forever = await issueToken(store.db, { kind: "entrypoint", name: "ep", deploymentId: "d1" });
    expect(await renewTokenIfDue(store.db, forever.info.id, "d1", Date.now() + 1e12)).toBeUndefined();
    const short = await issueToken(store.db, {
      kind: "entrypoint",
      name: "ep",
      deploymentId: "d1",
      ttlMs: 1000,
    });
    await store.db
      .updateTable("tokens")
      .set({ revoked_at: Date.now() })
      .where("id", "=", short.info.id)
      .execute();
    expect(await renewTokenIfDue(store.db, short.info.id, "d1", Date.now() + 900)).toBeUndefined();
  });
});
