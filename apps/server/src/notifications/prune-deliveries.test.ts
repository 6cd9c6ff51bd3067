import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../store/open-store.js";
import { pruneDeliveries } from "./prune-deliveries.js";

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
});

describe("pruning the delivery log", () => {
  it("removes finished deliveries older than the cut with their attempts, keeps pending and recent ones", async () => {
    store = await openStore({ path: ":memory:" });
    const db = store.db;
    const row = (id: string, state: string, createdAt: number) => ({
      id,
      subscription_id: "sub_1",
      project: "p",
      app: "web",
      event: "release",
      event_id: `e-${id}`,
      payload_json: "{}",
      summary: "",
      state,
      attempts: 1,
      created_at: createdAt,
      next_attempt_at: state === "pending" ? createdAt : null,
      retry_from: createdAt,
      delivered_at: null,
    });
    await db
      .insertInto("notification_deliveries")
      .values([
        row("old-delivered", "delivered", 1_000),
        row("old-failed", "failed", 1_000),
        row("old-pending", "pending", 1_000),
        row("new-delivered", "delivered", 5_000),
      ])
      .execute();
    await db
      .insertInto("notification_attempts")
      .values(
        ["old-delivered", "old-failed", "old-pending", "new-delivered"].map((d, i) => ({
          id: `a${i}`,
          delivery_id: d,
          time: 1_000,
          status_code: 200,
          error: "",
          duration_ms: 1,
        })),
      )
      .execute();
    expect(await pruneDeliveries(db, 2_000)).toBe(2);
    const left = await db.selectFrom("notification_deliveries").select("id").orderBy("id").execute();
    expect(left.map((r) => r.id)).toEqual(["new-delivered", "old-pending"]);
    const attempts = await db
      .selectFrom("notification_attempts")
      .select("delivery_id")
      .orderBy("delivery_id")
      .execute();
    expect(attempts.map((a) => a.delivery_id)).toEqual(["new-delivered", "old-pending"]);
  });
});
