// The outbox's consumer side in the store: claim due deliveries, record each attempt and what follows it.
// A claim is a lease (next_attempt_at moved past the attempt's time limit), so several servers sharing one
// PostgreSQL store never send one delivery at once, and a server that dies mid-attempt leaves it to be
// retried when the lease ends.
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database, NotificationDeliveryTable } from "../store/schema.js";
import { nextAttemptAt, type RetryOptions } from "./retry-schedule.js";
import type { AttemptResult } from "./send-notification.js";

/** A delivery this process holds until `lease` (its next_attempt_at while the claim lasts). */
export interface ClaimedDelivery {
  row: NotificationDeliveryTable;
  lease: number;
}

/** Claims up to `limit` pending deliveries due at `now`, oldest due first. */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  now: number,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const due = await db
    .selectFrom("notification_deliveries")
    .selectAll()
    .where("state", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .orderBy("next_attempt_at")
    .limit(limit)
    .execute();
  const claimed: ClaimedDelivery[] = [];
  for (const row of due) {
    const lease = now + leaseMs;
    // Conditional on the row as read: another server that claimed it first changed next_attempt_at.
    const r = await db
      .updateTable("notification_deliveries")
      .set({ next_attempt_at: lease })
      .where("id", "=", row.id)
      .where("state", "=", "pending")
      .where("next_attempt_at", "=", row.next_attempt_at)
      .executeTakeFirst();
    if (r.numUpdatedRows > 0n) claimed.push({ row, lease });
  }
  return claimed;
}

/**
 * Records an attempt made at `time` and moves the delivery on: delivered on a 2xx, else due again after a
 * backoff, or failed for good once the retry window is over. A redelivery that came in meanwhile (the claim
 * is no longer ours) keeps its own schedule; the attempt is recorded either way.
 */
export async function recordAttempt(
  db: Kysely<Database>,
  claim: ClaimedDelivery,
  time: number,
  result: AttemptResult,
  retry: RetryOptions,
): Promise<void> {
  const now = Date.now();
  const attempts = Number(claim.row.attempts) + 1;
  const next = result.ok ? undefined : nextAttemptAt(now, Number(claim.row.retry_from), attempts, retry);
  await db.transaction().execute(async (trx) => {
    // Its subscription was deleted meanwhile, and the delivery with it: nothing to record against.
    const still = await trx
      .selectFrom("notification_deliveries")
      .select("id")
      .where("id", "=", claim.row.id)
      .executeTakeFirst();
    if (!still) return;
    await trx
      .insertInto("notification_attempts")
      .values({
        id: ulid(time),
        delivery_id: claim.row.id,
        time,
        status_code: result.statusCode,
        error: result.error,
        duration_ms: result.durationMs,
      })
      .execute();
    await trx
      .updateTable("notification_deliveries")
      .set({
        attempts,
        state: result.ok ? "delivered" : next === undefined ? "failed" : "pending",
        next_attempt_at: next ?? null,
        delivered_at: result.ok ? now : claim.row.delivered_at,
      })
      .where("id", "=", claim.row.id)
      .where("next_attempt_at", "=", claim.lease)
      .execute();
  });
}

/** Gives a claim back unattempted (the server is stopping): due again now, for whichever server runs next. */
export async function releaseClaim(db: Kysely<Database>, claim: ClaimedDelivery): Promise<void> {
  await db
    .updateTable("notification_deliveries")
    .set({ next_attempt_at: Date.now() })
    .where("id", "=", claim.row.id)
    .where("next_attempt_at", "=", claim.lease)
    .execute();
}
