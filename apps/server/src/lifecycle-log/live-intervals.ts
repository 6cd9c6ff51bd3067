// Live intervals: which deployments (and weights) an app served from one release until the next.
import type { Kysely, Transaction } from "kysely";
import type { StoredReleaseTarget } from "../catalog/to-proto.js";
import type { Database, LiveIntervalTable } from "../store/schema.js";
import { appendLifecycleEvent, type LifecycleEventInput } from "./lifecycle-event.js";

export interface ReleaseFacts {
  appId: string;
  releaseId: string;
  releaseSeq: number;
  time: number;
  targets: StoredReleaseTarget[];
}

/** The interval rows a release opens: one per target with traffic. */
export function intervalsOpenedBy(release: ReleaseFacts): LiveIntervalTable[] {
  return release.targets
    .filter((t) => t.weight > 0)
    .map((t) => ({
      app_id: release.appId,
      release_id: release.releaseId,
      release_seq: release.releaseSeq,
      deployment_id: t.deploymentId,
      weight: t.weight,
      from_time: release.time,
      to_time: null,
    }));
}

/**
 * Inside the releaser's transaction (SQLite or PostgreSQL): closes the app's open intervals, opens the release's,
 * and appends its event, so the log, the intervals and the current release never disagree.
 */
export async function recordRelease(
  trx: Kysely<Database> | Transaction<Database>,
  release: ReleaseFacts,
  event: LifecycleEventInput,
): Promise<void> {
  await trx
    .updateTable("live_intervals")
    .set({ to_time: release.time })
    .where("app_id", "=", release.appId)
    .where("to_time", "is", null)
    .execute();
  const rows = intervalsOpenedBy(release);
  if (rows.length > 0) await trx.insertInto("live_intervals").values(rows).execute();
  await appendLifecycleEvent(trx, event);
}

/** The deployment a release is "about": the one new to its targets, else the one with most traffic. */
export function releasedDeploymentOf(
  targets: StoredReleaseTarget[],
  previous: StoredReleaseTarget[],
): string | undefined {
  const before = new Set(previous.map((t) => t.deploymentId));
  const fresh = targets.find((t) => !before.has(t.deploymentId) && t.weight > 0);
  return (fresh ?? [...targets].sort((a, b) => b.weight - a.weight)[0])?.deploymentId;
}
