// Migration 004's backfill: the lifecycle log and live intervals rebuilt from builds, deployments,
// releases, config revisions and the audit trail as they stood. Reads and inserts in batches through
// Kysely (no dialect-specific SQL). Backfilled event ids are "<source row id>:<what>", so they are stable.
import type { Kysely } from "kysely";
import { parseReleaseTargets, type StoredReleaseTarget } from "../../catalog/to-proto.js";
import { type LifecycleEventInput, lifecycleEventRow } from "../../lifecycle-log/lifecycle-event.js";
import { intervalsOpenedBy, releasedDeploymentOf } from "../../lifecycle-log/live-intervals.js";
import type { Database, LiveIntervalTable } from "../schema.js";

const batchSize = 500;

/** `rows` in slices of batchSize, so no statement exceeds a dialect's parameter limit. */
function batches<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) out.push(rows.slice(i, i + batchSize));
  return out;
}

/** Fills lifecycle_events and live_intervals from the tables that predate them. */
export async function backfillLifecycleLog(raw: Kysely<unknown>): Promise<void> {
  const db = raw as unknown as Kysely<Database>;
  const apps = await db.selectFrom("applications").select(["id", "project", "name"]).execute();
  const projectOf = new Map(apps.map((a) => [a.id, a.project]));
  const appIdOf = new Map(apps.map((a) => [`${a.project}/${a.name}`, a.id]));
  const events: LifecycleEventInput[] = [];

  const builds = await db.selectFrom("builds").selectAll().execute();
  for (const b of builds) {
    const base = {
      project: projectOf.get(b.app_id) ?? "",
      appId: b.app_id,
      gitSha: b.git_sha,
      buildId: b.id,
      jobId: b.job_id,
    };
    events.push({ ...base, id: `${b.id}:started`, kind: "build.started", time: b.created_at });
    if (b.finished_at === null) continue;
    if (b.status === "success") {
      events.push({ ...base, id: `${b.id}:succeeded`, kind: "build.succeeded", time: b.finished_at });
      if (b.artifact_digest)
        events.push({
          ...base,
          id: `${b.id}:pushed`,
          kind: "artifact.pushed",
          time: b.finished_at,
          details: { digest: b.artifact_digest, sizeBytes: b.artifact_size ?? 0 },
        });
    } else if (b.status === "failed")
      events.push({
        ...base,
        id: `${b.id}:failed`,
        kind: "build.failed",
        time: b.finished_at,
        reason: b.error,
      });
  }

  const destroyers = new Map(
    (
      await db
        .selectFrom("audit_events")
        .select(["target", "actor_token_id", "actor_name"])
        .where("action", "=", "deployment.destroy")
        .execute()
    ).map((a) => [a.target, { tokenId: a.actor_token_id, name: a.actor_name }]),
  );
  const deployments = await db.selectFrom("deployments").selectAll().execute();
  for (const d of deployments) {
    const base = {
      project: projectOf.get(d.app_id) ?? "",
      appId: d.app_id,
      gitSha: d.git_sha,
      buildId: d.build_id,
      deploymentId: d.id,
      jobId: d.job_id,
      configRevision: d.config_revision,
    };
    events.push({ ...base, id: `${d.id}:created`, kind: "deployment.created", time: d.created_at });
    if (d.finished_at !== null) {
      const failed = d.status === "failed" || d.error !== "";
      events.push({
        ...base,
        id: `${d.id}:${failed ? "failed" : "healthy"}`,
        kind: failed ? "deployment.failed" : "deployment.healthy",
        time: d.finished_at,
        reason: d.error,
      });
    }
    if (d.destroyed_at !== null)
      events.push({
        ...base,
        id: `${d.id}:destroyed`,
        kind: "deployment.destroyed",
        time: d.destroyed_at,
        actor: destroyers.get(d.id),
      });
  }

  const shaOf = new Map(deployments.map((d) => [d.id, d.git_sha]));
  const releases = await db.selectFrom("releases").selectAll().orderBy("app_id").orderBy("seq").execute();
  const intervals: LiveIntervalTable[] = [];
  let previous: { appId: string; targets: StoredReleaseTarget[]; opened: LiveIntervalTable[] } | undefined;
  for (const r of releases) {
    const targets = parseReleaseTargets(r.targets_json);
    const sameApp = previous?.appId === r.app_id;
    if (sameApp) for (const open of previous?.opened ?? []) open.to_time = r.created_at;
    const released = releasedDeploymentOf(targets, sameApp ? (previous?.targets ?? []) : []);
    events.push({
      id: `${r.id}:release`,
      kind: r.rollback_of ? "rollback" : "release",
      project: projectOf.get(r.app_id) ?? "",
      appId: r.app_id,
      time: r.created_at,
      actor: { tokenId: r.actor_token_id, name: r.actor_name },
      reason: r.reason,
      gitSha: released ? (shaOf.get(released) ?? "") : "",
      deploymentId: released ?? null,
      releaseId: r.id,
      details: { seq: r.seq, targets, forced: r.forced === 1, rollbackOf: r.rollback_of },
    });
    const opened = intervalsOpenedBy({
      appId: r.app_id,
      releaseId: r.id,
      releaseSeq: r.seq,
      time: r.created_at,
      targets,
    });
    intervals.push(...opened);
    previous = { appId: r.app_id, targets, opened };
  }

  const revisions = await db.selectFrom("config_revisions").selectAll().execute();
  for (const c of revisions)
    events.push({
      id: `${c.project}:${c.revision}:config`,
      kind: "config.applied",
      project: c.project,
      appId: c.app ? (appIdOf.get(`${c.project}/${c.app}`) ?? null) : null,
      time: c.created_at,
      actor: { tokenId: c.actor_token_id, name: c.actor_name },
      configRevision: c.revision,
      details: { changes: JSON.parse(c.changes_json || "[]"), restoredFrom: c.restored_from },
    });

  for (const batch of batches(events.map(lifecycleEventRow)))
    await db.insertInto("lifecycle_events").values(batch).execute();
  for (const batch of batches(intervals)) await db.insertInto("live_intervals").values(batch).execute();
}
