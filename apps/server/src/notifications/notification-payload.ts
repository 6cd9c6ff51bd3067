// What a notification says: the facts of the lifecycle event it reports, read once when it is queued (inside
// the event's own transaction), so every attempt sends the same thing.
import type { Kysely, Transaction } from "kysely";
import type { Database, LifecycleEventTable } from "../store/schema.js";
import type { NotificationEventName } from "./notification-events.js";

/** The Standard Webhooks envelope: `type`, `timestamp` and the event's `data`. */
export interface NotificationPayload {
  type: NotificationEventName;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: NotificationData;
}

export interface NotificationData {
  project: string;
  /** Empty for project-wide events. */
  app: string;
  /** The lifecycle event reported (as `berth sha` and GetShaLifecycle list it). */
  lifecycleEventId: string;
  /** Why, as recorded: the failure, the rollback's reason, ... */
  reason: string;
  /** Who caused it, or "" for the server itself. */
  actor: string;
  gitSha: string;
  build?: { id: string; seq: number };
  /** `url` is added when sent (it depends on the router's address). */
  deployment?: { id: string; seq: number; url?: string };
  release?: { id: string; seq: number };
  instance?: { id: string; idx: number; restarts: number };
  /** A URL the event itself names (a preview's), or the app's public URL for releases, added when sent. */
  url?: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The payload of `type` reporting the lifecycle event `event`, with names and vN numbers looked up. */
export async function payloadOf(
  db: Db,
  event: LifecycleEventTable,
  type: NotificationEventName,
): Promise<NotificationPayload> {
  const details = parseDetails(event.details_json);
  const [app, build, deployment, release] = await Promise.all([
    event.app_id
      ? db.selectFrom("applications").select("name").where("id", "=", event.app_id).executeTakeFirst()
      : undefined,
    event.build_id
      ? db.selectFrom("builds").select(["id", "seq"]).where("id", "=", event.build_id).executeTakeFirst()
      : undefined,
    event.deployment_id
      ? db
          .selectFrom("deployments")
          .select(["id", "seq"])
          .where("id", "=", event.deployment_id)
          .executeTakeFirst()
      : undefined,
    event.release_id
      ? db.selectFrom("releases").select(["id", "seq"]).where("id", "=", event.release_id).executeTakeFirst()
      : undefined,
  ]);
  const data: NotificationData = {
    project: event.project,
    app: app?.name ?? "",
    lifecycleEventId: event.id,
    reason: event.reason,
    actor: event.actor_name,
    gitSha: event.git_sha,
  };
  if (build) data.build = { id: build.id, seq: Number(build.seq) };
  if (deployment) data.deployment = { id: deployment.id, seq: Number(deployment.seq) };
  if (release) data.release = { id: release.id, seq: Number(release.seq) };
  if (typeof details.instanceId === "string")
    data.instance = { id: details.instanceId, idx: num(details.idx), restarts: num(details.restarts) };
  if (typeof details.url === "string") data.url = details.url;
  return { type, timestamp: new Date(event.time).toISOString(), data };
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}
