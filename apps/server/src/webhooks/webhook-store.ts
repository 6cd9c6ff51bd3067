import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import { cutPage, decodePageToken, pageSizeOf } from "../catalog/page-token.js";
import type { Database, WebhookDeliveryTable, WebhookSecretTable } from "../store/schema.js";

/** Deliveries are kept this long (rejected ones too: they say who tried what). */
export const deliveryRetentionMs = 30 * 24 * 3600_000;

/** And at most this many per project: anyone can send a project's endpoint requests that are recorded as rejected. */
export const maxDeliveriesPerProject = 5000;

/** The path of a project's webhook endpoint on the server's API address. */
export function webhookPath(project: string): string {
  return `/webhooks/${project}`;
}

/** Makes (or replaces) a project's secret; the caller shows it once. */
export async function createWebhookSecret(
  db: Kysely<Database>,
  project: string,
  actor: { tokenId: string; name: string },
): Promise<WebhookSecretTable> {
  const row: WebhookSecretTable = {
    project,
    // 256 bits; a prefix so a leaked one is recognisable in a scan.
    secret: `bwh_${randomBytes(32).toString("base64url")}`,
    actor_token_id: actor.tokenId,
    actor_name: actor.name,
    created_at: Date.now(),
  };
  await db
    .insertInto("webhook_secrets")
    .values(row)
    .onConflict((oc) =>
      oc.column("project").doUpdateSet({
        secret: row.secret,
        actor_token_id: row.actor_token_id,
        actor_name: row.actor_name,
        created_at: row.created_at,
      }),
    )
    .execute();
  return row;
}

export function getWebhookSecret(db: Kysely<Database>, project: string) {
  return db.selectFrom("webhook_secrets").selectAll().where("project", "=", project).executeTakeFirst();
}

export type DeliveryInput = Omit<WebhookDeliveryTable, "id" | "received_at" | "builds_json"> & {
  builds?: { app: string; jobId: string }[];
};

/** Records what a forge sent and what came of it; deliveries older than the retention go at the same time. */
export async function recordDelivery(
  db: Kysely<Database>,
  input: DeliveryInput,
): Promise<WebhookDeliveryTable> {
  const now = Date.now();
  const { builds, ...rest } = input;
  const row: WebhookDeliveryTable = {
    ...rest,
    id: ulid(now),
    builds_json: JSON.stringify(builds ?? []),
    received_at: now,
  };
  await db.insertInto("webhook_deliveries").values(row).execute();
  await db
    .deleteFrom("webhook_deliveries")
    .where("project", "=", input.project)
    .where("received_at", "<", now - deliveryRetentionMs)
    .execute();
  const oldestKept = await db
    .selectFrom("webhook_deliveries")
    .select("id")
    .where("project", "=", input.project)
    .orderBy("id", "desc")
    .offset(maxDeliveriesPerProject - 1)
    .limit(1)
    .executeTakeFirst();
  if (oldestKept)
    await db
      .deleteFrom("webhook_deliveries")
      .where("project", "=", input.project)
      .where("id", "<", oldestKept.id)
      .execute();
  return row;
}

/** The first delivery with this id that was let in (accepted or ignored): a later one is a replay. */
export function findDelivered(db: Kysely<Database>, project: string, forge: string, deliveryId: string) {
  return db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("project", "=", project)
    .where("forge", "=", forge)
    .where("delivery_id", "=", deliveryId)
    .where("outcome", "in", ["accepted", "ignored"])
    .orderBy("id")
    .executeTakeFirst();
}

/** A project's deliveries, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  project: string,
  pageSize: number,
  pageToken: string,
): Promise<{ rows: WebhookDeliveryTable[]; nextPageToken: string }> {
  const size = pageSizeOf(pageSize);
  const before = decodePageToken("webhooks", pageToken);
  const fetched = await db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("project", "=", project)
    .$if(before !== undefined, (q) => q.where("id", "<", before!))
    .orderBy("id", "desc")
    .limit(size + 1)
    .execute();
  return cutPage("webhooks", fetched, size, (r) => r.id);
}
