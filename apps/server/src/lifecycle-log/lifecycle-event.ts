// The append-only lifecycle log: one row per thing that happened to a build, deployment or release.
import type { Kysely, Transaction } from "kysely";
import { monotonicFactory } from "ulid";
import { enqueueNotifications } from "../notifications/enqueue-notifications.js";
import type { Database, LifecycleEventTable } from "../store/schema.js";

/** What happened. Stored as these strings; the API returns them as they are (docs/lifecycle.md). */
export const lifecycleKinds = [
  "build.started",
  "build.succeeded",
  "build.failed",
  "artifact.pushed",
  "deployment.created",
  "deployment.healthy",
  "deployment.unhealthy",
  "deployment.failed",
  "deployment.destroyed",
  "deployment.annotated",
  "deployment.scaled",
  "app.deleted",
  "release",
  "rollback",
  "release.auto_aborted",
  "config.applied",
  "instance.crashed",
  "preview.ready",
] as const;
export type LifecycleKind = (typeof lifecycleKinds)[number];

export interface LifecycleEventInput {
  kind: LifecycleKind;
  project: string;
  appId: string | null;
  time?: number;
  actor?: { tokenId?: string; name?: string };
  reason?: string;
  gitSha?: string;
  buildId?: string | null;
  deploymentId?: string | null;
  releaseId?: string | null;
  jobId?: string | null;
  configRevision?: number | null;
  details?: Record<string, unknown>;
  /** Set by the backfill, which derives stable ids from the rows it reads. */
  id?: string;
}

// Monotonic: events of one millisecond keep the order they were appended in when sorted by (time, id).
const ulid = monotonicFactory();

/** The row an event input becomes. */
export function lifecycleEventRow(input: LifecycleEventInput): LifecycleEventTable {
  const time = input.time ?? Date.now();
  return {
    id: input.id ?? ulid(time),
    project: input.project,
    app_id: input.appId,
    time,
    kind: input.kind,
    actor_token_id: input.actor?.tokenId ?? "",
    actor_name: input.actor?.name ?? "",
    reason: input.reason ?? "",
    git_sha: input.gitSha ?? "",
    build_id: input.buildId ?? null,
    deployment_id: input.deploymentId ?? null,
    release_id: input.releaseId ?? null,
    job_id: input.jobId ?? null,
    config_revision: input.configRevision ?? null,
    details_json: JSON.stringify(input.details ?? {}),
  };
}

/**
 * Appends one event (pass the transaction that makes the change it records) and queues the notifications
 * it causes in the same transaction (notifications/), so neither is lost nor sent for a change rolled back.
 */
export async function appendLifecycleEvent(
  db: Kysely<Database> | Transaction<Database>,
  input: LifecycleEventInput,
): Promise<void> {
  const row = lifecycleEventRow(input);
  const append = async (trx: Transaction<Database>) => {
    await trx.insertInto("lifecycle_events").values(row).execute();
    await enqueueNotifications(trx, row);
  };
  if (db.isTransaction) await append(db as Transaction<Database>);
  else await db.transaction().execute(append);
}

/**
 * Runs `change` and appends the event it causes in one transaction: the log never claims a change that
 * did not happen, nor misses one that did.
 */
export function withLifecycleEvent<T>(
  db: Kysely<Database>,
  event: LifecycleEventInput | ((result: T) => LifecycleEventInput | undefined),
  change: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const result = await change(trx);
    const input = typeof event === "function" ? event(result) : event;
    if (input) await appendLifecycleEvent(trx, input);
    return result;
  });
}
