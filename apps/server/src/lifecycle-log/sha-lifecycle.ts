// "What happened to this commit?": every record of the commits matching a SHA prefix.
import type { Kysely } from "kysely";
import { shaPrefixRange } from "../history/history-query.js";
import type {
  ApplicationTable,
  BuildTable,
  ConfigRevisionTable,
  Database,
  DeploymentTable,
  LifecycleEventTable,
  LiveIntervalTable,
} from "../store/schema.js";

export interface ShaLifecycle {
  shas: string[];
  builds: BuildTable[];
  deployments: DeploymentTable[];
  events: LifecycleEventTable[];
  intervals: LiveIntervalTable[];
  configRevisions: ConfigRevisionTable[];
}

// A prefix as short as 4 characters may match many commits: the answer stays bounded.
const rowLimit = 500;

/** Builds, deployments, their lifecycle events, live intervals and config revisions for a SHA prefix. */
export async function shaLifecycle(
  db: Kysely<Database>,
  apps: ApplicationTable[],
  shaPrefix: string,
): Promise<ShaLifecycle> {
  const appIds = apps.map((a) => a.id);
  const [lo, hi] = shaPrefixRange(shaPrefix);
  const empty: ShaLifecycle = {
    shas: [],
    builds: [],
    deployments: [],
    events: [],
    intervals: [],
    configRevisions: [],
  };
  if (appIds.length === 0) return empty;
  const [builds, deployments] = await Promise.all([
    db
      .selectFrom("builds")
      .selectAll()
      .where("app_id", "in", appIds)
      .where("git_sha", ">=", lo)
      .where("git_sha", "<", hi)
      .orderBy("created_at")
      .limit(rowLimit)
      .execute(),
    db
      .selectFrom("deployments")
      .selectAll()
      .where("app_id", "in", appIds)
      .where("git_sha", ">=", lo)
      .where("git_sha", "<", hi)
      .orderBy("created_at")
      .limit(rowLimit)
      .execute(),
  ]);
  const shas = [...new Set([...builds, ...deployments].map((r) => r.git_sha))].sort();
  if (shas.length === 0) return empty;
  const depIds = deployments.map((d) => d.id);
  const buildIds = builds.map((b) => b.id);
  const intervals = depIds.length
    ? await db
        .selectFrom("live_intervals")
        .selectAll()
        .where("deployment_id", "in", depIds)
        .orderBy("from_time")
        .orderBy("release_seq")
        .execute()
    : [];
  const releaseIds = [
    ...new Set([...intervals.map((i) => i.release_id), ...(await releasesEnding(db, intervals))]),
  ];
  const events = await db
    .selectFrom("lifecycle_events")
    .selectAll()
    .where((eb) =>
      eb.or([
        ...(depIds.length ? [eb("deployment_id", "in", depIds)] : []),
        ...(buildIds.length ? [eb("build_id", "in", buildIds)] : []),
        ...(releaseIds.length ? [eb("release_id", "in", releaseIds)] : []),
      ]),
    )
    .orderBy("time")
    .orderBy("id")
    .limit(rowLimit * 4)
    .execute();
  return {
    shas,
    builds,
    deployments,
    events,
    intervals,
    configRevisions: await configRevisionsRunWith(db, apps, deployments, intervals),
  };
}

/** The releases that ended closed intervals (the next release of the app): "who took it off, and why". */
async function releasesEnding(db: Kysely<Database>, intervals: LiveIntervalTable[]): Promise<string[]> {
  const nextSeqs = new Map<string, Set<number>>();
  for (const i of intervals) {
    if (i.to_time === null) continue;
    const seqs = nextSeqs.get(i.app_id) ?? new Set();
    seqs.add(i.release_seq + 1);
    nextSeqs.set(i.app_id, seqs);
  }
  const ids: string[] = [];
  for (const [appId, seqs] of nextSeqs) {
    const rows = await db
      .selectFrom("releases")
      .select("id")
      .where("app_id", "=", appId)
      .where("seq", "in", [...seqs])
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/** The revisions each deployment started with, plus those applied (to its app or project) while it served. */
async function configRevisionsRunWith(
  db: Kysely<Database>,
  apps: ApplicationTable[],
  deployments: DeploymentTable[],
  intervals: LiveIntervalTable[],
): Promise<ConfigRevisionTable[]> {
  const project = apps[0]?.project;
  if (!project || deployments.length === 0) return [];
  const revisions = new Set(deployments.map((d) => d.config_revision).filter((r) => r > 0));
  const appOf = new Map(deployments.map((d) => [d.id, d.app_id]));
  const now = Date.now();
  if (intervals.length > 0) {
    // One query over the whole span, then each revision is kept if it fell inside one of the intervals.
    const from = Math.min(...intervals.map((i) => i.from_time));
    const to = Math.max(...intervals.map((i) => i.to_time ?? now));
    const applied = await db
      .selectFrom("lifecycle_events")
      .select(["config_revision", "time", "app_id"])
      .where("project", "=", project)
      .where("kind", "=", "config.applied")
      .where("time", ">=", from)
      .where("time", "<", to)
      .execute();
    for (const a of applied) {
      const during = intervals.some(
        (i) =>
          a.time >= i.from_time &&
          a.time < (i.to_time ?? now) &&
          (a.app_id === null || a.app_id === appOf.get(i.deployment_id)),
      );
      if (during && a.config_revision) revisions.add(a.config_revision);
    }
  }
  if (revisions.size === 0) return [];
  return db
    .selectFrom("config_revisions")
    .selectAll()
    .where("project", "=", project)
    .where("revision", "in", [...revisions])
    .orderBy("revision")
    .execute();
}
