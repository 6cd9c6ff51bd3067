// Notification subscriptions of a project: create (with a fresh signing secret), list, delete.
import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database, NotificationSubscriptionTable } from "../store/schema.js";
import { checkEventNames } from "./notification-events.js";
import { checkOutboundUrl } from "./outbound-url.js";
import type { NotificationFormat } from "./render-notification.js";

export interface CreateSubscriptionInput {
  project: string;
  url: string;
  format: NotificationFormat;
  events: readonly string[];
  description?: string;
  actor: { tokenId: string; name: string };
}

/**
 * A Standard Webhooks secret: "whsec_" and the base64 of 32 random bytes (the scheme takes 24–64); the
 * receiver verifies with it, so it is kept in clear and shown to the creator once.
 */
function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Subscriptions a project may have: each lifecycle event of the project is matched against all of them. */
export const maxSubscriptionsPerProject = 50;

/**
 * Records a subscription; InvalidArgument names a bad URL or an unknown event, ResourceExhausted says the
 * project has as many as it may.
 */
export async function createSubscription(
  db: Kysely<Database>,
  input: CreateSubscriptionInput,
): Promise<NotificationSubscriptionTable> {
  const url = checkOutboundUrl(input.url);
  const events = checkEventNames(input.events);
  const count = await db
    .selectFrom("notification_subscriptions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("project", "=", input.project)
    .executeTakeFirst();
  if (Number(count?.n ?? 0) >= maxSubscriptionsPerProject) {
    throw new ConnectError(
      `project "${input.project}" has ${maxSubscriptionsPerProject} notification subscriptions, the most it may have; remove one first`,
      Code.ResourceExhausted,
    );
  }
  const now = Date.now();
  const row: NotificationSubscriptionTable = {
    id: `sub_${ulid(now)}`,
    project: input.project,
    url: url.href,
    format: input.format,
    events_json: JSON.stringify(events),
    description: input.description ?? "",
    secret: input.format === "standard" ? newSigningSecret() : "",
    actor_token_id: input.actor.tokenId,
    actor_name: input.actor.name,
    created_at: now,
  };
  await db.insertInto("notification_subscriptions").values(row).execute();
  return row;
}

/** A project's subscriptions, oldest first. */
export function listSubscriptions(
  db: Kysely<Database>,
  project: string,
): Promise<NotificationSubscriptionTable[]> {
  return db
    .selectFrom("notification_subscriptions")
    .selectAll()
    .where("project", "=", project)
    .orderBy("id")
    .execute();
}

/** One subscription of the project; NotFound names it. */
export async function getSubscription(
  db: Kysely<Database>,
  project: string,
  id: string,
): Promise<NotificationSubscriptionTable> {
  const row = await db
    .selectFrom("notification_subscriptions")
    .selectAll()
    .where("project", "=", project)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row)
    throw new ConnectError(
      `notification subscription "${id}" not found in project "${project}"`,
      Code.NotFound,
    );
  return row;
}

/** Deletes a subscription with its deliveries (pending ones are never sent) and their attempts. */
export async function deleteSubscription(db: Kysely<Database>, project: string, id: string): Promise<void> {
  await getSubscription(db, project, id);
  await db.transaction().execute(async (trx) => {
    const deliveries = trx
      .selectFrom("notification_deliveries")
      .select("id")
      .where("subscription_id", "=", id);
    await trx.deleteFrom("notification_attempts").where("delivery_id", "in", deliveries).execute();
    await trx.deleteFrom("notification_deliveries").where("subscription_id", "=", id).execute();
    await trx.deleteFrom("notification_subscriptions").where("id", "=", id).execute();
  });
}

/**
 * Deletes all of a project's subscriptions with their deliveries and attempts (the project was deleted: nothing of
 * it is left to notify about, and a revived project starts without old endpoints). Returns how many there were.
 */
export async function deleteProjectSubscriptions(db: Kysely<Database>, project: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const deliveries = trx.selectFrom("notification_deliveries").select("id").where("project", "=", project);
    await trx.deleteFrom("notification_attempts").where("delivery_id", "in", deliveries).execute();
    await trx.deleteFrom("notification_deliveries").where("project", "=", project).execute();
    const deleted = await trx
      .deleteFrom("notification_subscriptions")
      .where("project", "=", project)
      .execute();
    return Number(deleted[0]?.numDeletedRows ?? 0);
  });
}
