// The outbox's producer: inside the transaction that appends a lifecycle event, one delivery row per
// subscription that wants it. Committed with the change it reports, so a crash loses neither.
import { type Kysely, sql, type Transaction } from "kysely";
import { monotonicFactory } from "ulid";
import type { Database, LifecycleEventTable, NotificationDeliveryTable } from "../store/schema.js";
import { crashLoop, eventsOf } from "./notification-events.js";
import { payloadOf } from "./notification-payload.js";
import { summaryOf } from "./render-notification.js";

const ulid = monotonicFactory();

/**
 * Queues the notifications a lifecycle event causes, in the event's transaction. Cheap when nobody listens
 * (one indexed read). A failure here never fails the change being recorded: its writes are undone to a
 * savepoint, it is reported as a process warning, and the transaction goes on.
 */
export async function enqueueNotifications(
  trx: Transaction<Database>,
  event: LifecycleEventTable,
): Promise<void> {
  try {
    await isolated(trx, () => enqueue(trx, event));
  } catch (err) {
    process.emitWarning(
      `queueing notifications of lifecycle event ${event.id} (${event.kind}) failed: ${(err as Error).message}`,
    );
  }
}

async function enqueue(trx: Transaction<Database>, event: LifecycleEventTable): Promise<void> {
  const subscriptions = await trx
    .selectFrom("notification_subscriptions")
    .select(["id", "events_json"])
    .where("project", "=", event.project)
    .execute();
  if (subscriptions.length === 0) return;
  const wanted = subscriptions.map((s) => ({
    id: s.id,
    events: new Set(JSON.parse(s.events_json) as string[]),
  }));
  const names = eventsOf(event);
  if (wanted.some((s) => s.events.has("instance.crash_loop")) && (await startsCrashLoop(trx, event)))
    names.push("instance.crash_loop");
  const rows: NotificationDeliveryTable[] = [];
  for (const name of names) {
    const ids = wanted.filter((s) => s.events.has(name)).map((s) => s.id);
    if (ids.length === 0) continue;
    const payload = await payloadOf(trx, event, name);
    for (const id of ids) {
      const now = Date.now();
      rows.push({
        id: `msg_${ulid(now)}`,
        subscription_id: id,
        project: event.project,
        app: payload.data.app,
        event: name,
        event_id: event.id,
        payload_json: JSON.stringify(payload),
        summary: summaryOf(payload),
        state: "pending",
        attempts: 0,
        created_at: now,
        next_attempt_at: now,
        retry_from: now,
        delivered_at: null,
      });
    }
  }
  if (rows.length > 0) await trx.insertInto("notification_deliveries").values(rows).execute();
}

/** Whether this crash is the one that makes a crash loop (exactly the threshold within the window: one alert per loop). */
async function startsCrashLoop(
  db: Kysely<Database> | Transaction<Database>,
  event: LifecycleEventTable,
): Promise<boolean> {
  if (event.kind !== "instance.crashed" || !event.deployment_id) return false;
  const row = await db
    .selectFrom("lifecycle_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("deployment_id", "=", event.deployment_id)
    .where("kind", "=", "instance.crashed")
    .where("time", ">", event.time - crashLoop.withinMs)
    .where("time", "<=", event.time)
    .executeTakeFirst();
  return Number(row?.n ?? 0) === crashLoop.crashes;
}

/** Runs `fn` under a savepoint: on failure its writes are undone and the transaction goes on (PostgreSQL too). */
async function isolated(trx: Transaction<Database>, fn: () => Promise<void>): Promise<void> {
  await sql`SAVEPOINT berth_notifications`.execute(trx);
  try {
    await fn();
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT berth_notifications`.execute(trx);
    throw err;
  } finally {
    await sql`RELEASE SAVEPOINT berth_notifications`.execute(trx);
  }
}
