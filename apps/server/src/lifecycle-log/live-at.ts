// "What was live at T": the intervals of the app's latest release at or before T.
import type { Kysely } from "kysely";
import type { Database, LifecycleEventTable, LiveIntervalTable } from "../store/schema.js";

/**
 * The deployments (with weights) an app served at `at` (epoch ms), heaviest first; empty when nothing was
 * live (before its first release, or after `berth apps delete` ended its last). Two index seeks whatever the history's length: the latest release with from_time <= at (ties
 * broken by release seq), then that release's rows.
 */
export async function liveAt(db: Kysely<Database>, appId: string, at: number): Promise<LiveIntervalTable[]> {
  const latest = await db
    .selectFrom("live_intervals")
    .select("release_id")
    .where("app_id", "=", appId)
    .where("from_time", "<=", at)
    .orderBy("from_time", "desc")
    .orderBy("release_seq", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!latest) return [];
  return (
    db
      .selectFrom("live_intervals")
      .selectAll()
      .where("release_id", "=", latest.release_id)
      // A release's rows end at the next release's time, so only a deleted app's can have ended by `at`.
      .where((eb) => eb.or([eb("to_time", "is", null), eb("to_time", ">", at)]))
      .orderBy("weight", "desc")
      .orderBy("deployment_id")
      .execute()
  );
}

/** The app's last `limit` lifecycle events at or before `at`, newest first ("what changed just before"). */
export function eventsBefore(
  db: Kysely<Database>,
  appId: string,
  at: number,
  limit = 5,
): Promise<LifecycleEventTable[]> {
  return db
    .selectFrom("lifecycle_events")
    .selectAll()
    .where("app_id", "=", appId)
    .where("time", "<=", at)
    .orderBy("time", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** The app's intervals overlapping [since, until), oldest first. */
export function intervalsBetween(
  db: Kysely<Database>,
  appId: string,
  since: number,
  until: number,
  limit: number,
): Promise<LiveIntervalTable[]> {
  return db
    .selectFrom("live_intervals")
    .selectAll()
    .where("app_id", "=", appId)
    .where("from_time", "<", until)
    .where((eb) => eb.or([eb("to_time", "is", null), eb("to_time", ">", since)]))
    .orderBy("from_time")
    .orderBy("release_seq")
    .limit(limit)
    .execute();
}

/** The app's events of the given kinds in [since, until), oldest first. */
export function eventsBetween(
  db: Kysely<Database>,
  appId: string,
  since: number,
  until: number,
  kinds: string[],
  limit: number,
): Promise<LifecycleEventTable[]> {
  return db
    .selectFrom("lifecycle_events")
    .selectAll()
    .where("app_id", "=", appId)
    .where("time", ">=", since)
    .where("time", "<", until)
    .where("kind", "in", kinds)
    .orderBy("time")
    .orderBy("id")
    .limit(limit)
    .execute();
}
