// Live intervals: which deployments (and weights) an app served from one release until the next.
import type SqliteDatabase from "better-sqlite3";
import type { StoredReleaseTarget } from "../catalog/to-proto.js";
import type { LiveIntervalTable } from "../store/schema.js";
import { type LifecycleEventInput, lifecycleEventRow } from "./lifecycle-event.js";

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
 * Inside the releaser's synchronous SQLite transaction: closes the app's open intervals, opens the
 * release's, and appends its event, so the log, the intervals and the current release never disagree.
 */
export function recordReleaseSync(
  sqlite: SqliteDatabase.Database,
  release: ReleaseFacts,
  event: LifecycleEventInput,
): void {
  sqlite
    .prepare("UPDATE live_intervals SET to_time = ? WHERE app_id = ? AND to_time IS NULL")
    .run(release.time, release.appId);
  const open = sqlite.prepare(
    `INSERT INTO live_intervals (app_id, release_id, release_seq, deployment_id, weight, from_time, to_time)
     VALUES (@app_id, @release_id, @release_seq, @deployment_id, @weight, @from_time, @to_time)`,
  );
  for (const row of intervalsOpenedBy(release)) open.run(row);
  const e = lifecycleEventRow(event);
  sqlite
    .prepare(
      `INSERT INTO lifecycle_events (id, project, app_id, time, kind, actor_token_id, actor_name, reason, git_sha,
         build_id, deployment_id, release_id, job_id, config_revision, details_json)
       VALUES (@id, @project, @app_id, @time, @kind, @actor_token_id, @actor_name, @reason, @git_sha,
         @build_id, @deployment_id, @release_id, @job_id, @config_revision, @details_json)`,
    )
    .run(e);
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
