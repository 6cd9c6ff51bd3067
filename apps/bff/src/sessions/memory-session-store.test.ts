import { afterEach, describe, expect, it } from "vitest";
import { createMemorySessionStore } from "./memory-session-store.js";
import type { Session, SessionStore } from "./session-store.js";

function session(id: string, expiresAt: number, absoluteExpiresAt = Number.MAX_SAFE_INTEGER): Session {
  return {
    id,
    token: `berth_${id}`,
    tokenId: `tok-${id}`,
    name: "ada",
    role: "admin",
    csrfToken: "c",
    createdAt: 0,
    expiresAt,
    absoluteExpiresAt,
  };
}

describe("createMemorySessionStore", () => {
  let store: SessionStore | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it("returns a stored session until it expires, then forgets it", async () => {
    let clock = 1_000;
    store = createMemorySessionStore({ now: () => clock });
    await store.set(session("a", 2_000));
    expect((await store.get("a"))?.token).toBe("berth_a");
    clock = 2_000;
    expect(await store.get("a")).toBeUndefined();
    expect(await store.size()).toBe(0);
  });

  it("tells its listeners about each session it drops for expiry, once", async () => {
    let clock = 0;
    store = createMemorySessionStore({ now: () => clock });
    const dropped: string[] = [];
    store.onExpired((s) => dropped.push(s.id));
    await store.set(session("x", 100));
    await store.set(session("y", 1_000));
    clock = 200;
    expect(await store.get("x")).toBeUndefined();
    expect(await store.get("x")).toBeUndefined();
    clock = 2_000;
    expect(await store.size()).toBe(0);
    expect(dropped).toEqual(["x", "y"]);
  });

  it("honours the absolute expiry even when the sliding one is later", async () => {
    let clock = 0;
    store = createMemorySessionStore({ now: () => clock });
    await store.set(session("b", 10_000, 500));
    clock = 600;
    expect(await store.get("b")).toBeUndefined();
  });

  it("deletes on logout and counts live sessions", async () => {
    store = createMemorySessionStore({ now: () => 0 });
    await store.set(session("a", 10));
    await store.set(session("b", 10));
    await store.delete("a");
    expect(await store.get("a")).toBeUndefined();
    expect(await store.size()).toBe(1);
  });
});
