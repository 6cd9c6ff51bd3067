// Outbound notifications: subscriptions per project, the durable outbox of deliveries (written in the same
// transaction as the lifecycle event they report, so a crash loses none) and every attempt to send one.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("notification_subscriptions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    // "standard" | "slack" | "json"
    .addColumn("format", "text", (c) => c.notNull())
    .addColumn("events_json", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // The Standard Webhooks signing secret (whsec_…); empty for other formats. Needed in clear to sign.
    .addColumn("secret", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("notification_subscriptions_project")
    .on("notification_subscriptions")
    .column("project")
    .execute();

  await db.schema
    .createTable("notification_deliveries")
    // Also the webhook-id: the same on every attempt.
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("subscription_id", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("app", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("event", "text", (c) => c.notNull())
    // The lifecycle event it reports.
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("payload_json", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull().defaultTo(""))
    // "pending" | "delivered" | "failed"
    .addColumn("state", "text", (c) => c.notNull())
    // Attempts in the current retry window (the backoff grows with it); every attempt is in notification_attempts.
    .addColumn("attempts", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", t.int, (c) => c.notNull())
    // Due time of the next attempt (pending), or the end of a claimed attempt's lease; null when done.
    .addColumn("next_attempt_at", t.int)
    // Start of the current retry window (the event, or the last redelivery); retries stop 24 h later.
    .addColumn("retry_from", t.int, (c) => c.notNull())
    .addColumn("delivered_at", t.int)
    .execute();
  await db.schema
    .createIndex("notification_deliveries_due")
    .on("notification_deliveries")
    .columns(["state", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("notification_deliveries_project")
    .on("notification_deliveries")
    .columns(["project", "id"])
    .execute();
  await db.schema
    .createIndex("notification_deliveries_subscription")
    .on("notification_deliveries")
    .columns(["subscription_id", "id"])
    .execute();

  await db.schema
    .createTable("notification_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("time", t.int, (c) => c.notNull())
    // 0 when no response came.
    .addColumn("status_code", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("duration_ms", t.int, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("notification_attempts_delivery")
    .on("notification_attempts")
    .columns(["delivery_id", "time"])
    .execute();
}
