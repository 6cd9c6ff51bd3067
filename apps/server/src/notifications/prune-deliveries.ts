// The delivery log is kept for a while, not forever: finished deliveries older than the retention go, with
// their attempts. Pending ones stay whatever their age (they are still being retried).
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** How long finished deliveries stay in the log by default: 30 days. */
export const defaultDeliveryRetentionMs = 30 * 86_400_000;

/** Deletes delivered and failed deliveries created before `before` (epoch ms); returns how many. */
export async function pruneDeliveries(db: Kysely<Database>, before: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const old = trx
      .selectFrom("notification_deliveries")
      .select("id")
      .where("state", "in", ["delivered", "failed"])
      .where("created_at", "<", before);
    await trx.deleteFrom("notification_attempts").where("delivery_id", "in", old).execute();
    const r = await trx
      .deleteFrom("notification_deliveries")
      .where("state", "in", ["delivered", "failed"])
      .where("created_at", "<", before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  });
}
