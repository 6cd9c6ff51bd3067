// The delivery log: a project's deliveries with their attempts, and redelivery.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { Database, NotificationAttemptTable, NotificationDeliveryTable } from "../store/schema.js";

export interface DeliveryWithAttempts {
  row: NotificationDeliveryTable;
  attempts: NotificationAttemptTable[];
}

export interface ListDeliveriesInput {
  project: string;
  subscriptionId?: string;
  /** Only deliveries older than this id (the page token's cursor). */
  beforeId?: string;
  /** Rows to fetch (page size + 1, see cutPage). */
  limit: number;
}

/** Deliveries newest first, each with its attempts oldest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  input: ListDeliveriesInput,
): Promise<DeliveryWithAttempts[]> {
  const rows = await db
    .selectFrom("notification_deliveries")
    .selectAll()
    .where("project", "=", input.project)
    .$if(!!input.subscriptionId, (q) => q.where("subscription_id", "=", input.subscriptionId ?? ""))
    .$if(!!input.beforeId, (q) => q.where("id", "<", input.beforeId ?? ""))
    .orderBy("id", "desc")
    .limit(input.limit)
    .execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom("notification_attempts")
    .selectAll()
    .where(
      "delivery_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("time")
    .orderBy("id")
    .execute();
  const byDelivery = new Map<string, NotificationAttemptTable[]>();
  for (const a of attempts) byDelivery.set(a.delivery_id, [...(byDelivery.get(a.delivery_id) ?? []), a]);
  return rows.map((row) => ({ row, attempts: byDelivery.get(row.id) ?? [] }));
}

/** One delivery of the project with its attempts; NotFound names it. */
export async function getDelivery(
  db: Kysely<Database>,
  project: string,
  id: string,
): Promise<DeliveryWithAttempts> {
  const row = await db
    .selectFrom("notification_deliveries")
    .selectAll()
    .where("project", "=", project)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row)
    throw new ConnectError(`notification delivery "${id}" not found in project "${project}"`, Code.NotFound);
  const attempts = await db
    .selectFrom("notification_attempts")
    .selectAll()
    .where("delivery_id", "=", id)
    .orderBy("time")
    .orderBy("id")
    .execute();
  return { row, attempts };
}

/**
 * Makes a delivery due now, whatever its state, with a fresh retry window and backoff: the same webhook-id
 * and body, a new attempt.
 */
export async function redeliver(
  db: Kysely<Database>,
  project: string,
  id: string,
): Promise<DeliveryWithAttempts> {
  await getDelivery(db, project, id);
  const now = Date.now();
  await db
    .updateTable("notification_deliveries")
    .set({ state: "pending", next_attempt_at: now, retry_from: now, attempts: 0 })
    .where("id", "=", id)
    .execute();
  return getDelivery(db, project, id);
}
