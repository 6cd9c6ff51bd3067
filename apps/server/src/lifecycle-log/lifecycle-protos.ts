// Lifecycle rows → protos, with the lookups they need (app names, build/deployment/release seqs).
import {
  type LifecycleEvent,
  LifecycleEventSchema,
  type LiveInterval,
  LiveIntervalSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { optionalTimestamp, parseReleaseTargets, toGitInfoProto } from "../catalog/to-proto.js";
import type { Database, DeploymentTable, LifecycleEventTable, LiveIntervalTable } from "../store/schema.js";

/** What converting a batch of lifecycle rows needs, loaded in a few queries. */
export interface LifecycleLookup {
  appNames: Map<string, string>;
  deployments: Map<string, DeploymentTable>;
  buildSeqs: Map<string, number>;
  releaseSeqs: Map<string, number>;
  /** The release/rollback event of each release id. */
  releaseEvents: Map<string, LifecycleEventTable>;
}

const uniq = (ids: (string | null | undefined)[]) => [...new Set(ids.filter((i): i is string => !!i))];

function targetsOf(e: LifecycleEventTable): { deploymentId: string; weight: number }[] {
  try {
    return parseReleaseTargets(JSON.stringify(JSON.parse(e.details_json).targets ?? []));
  } catch {
    return [];
  }
}

/** Loads everything `events` and `intervals` refer to. */
export async function loadLifecycleLookup(
  db: Kysely<Database>,
  events: readonly LifecycleEventTable[],
  intervals: readonly LiveIntervalTable[],
): Promise<LifecycleLookup> {
  const releaseIds = uniq([...events.map((e) => e.release_id), ...intervals.map((i) => i.release_id)]);
  const releaseEvents = releaseIds.length
    ? await db
        .selectFrom("lifecycle_events")
        .selectAll()
        .where("release_id", "in", releaseIds)
        .where("kind", "in", ["release", "rollback"])
        .execute()
    : [];
  const deploymentIds = uniq([
    ...events.map((e) => e.deployment_id),
    ...intervals.map((i) => i.deployment_id),
    ...[...events, ...releaseEvents].flatMap((e) => targetsOf(e).map((t) => t.deploymentId)),
  ]);
  const buildIds = uniq(events.map((e) => e.build_id));
  const appIds = uniq([...events.map((e) => e.app_id), ...intervals.map((i) => i.app_id)]);
  const [deployments, builds, releases, apps] = await Promise.all([
    deploymentIds.length
      ? db.selectFrom("deployments").selectAll().where("id", "in", deploymentIds).execute()
      : [],
    buildIds.length
      ? db.selectFrom("builds").select(["id", "seq"]).where("id", "in", buildIds).execute()
      : [],
    releaseIds.length
      ? db.selectFrom("releases").select(["id", "seq"]).where("id", "in", releaseIds).execute()
      : [],
    appIds.length
      ? db.selectFrom("applications").select(["id", "name"]).where("id", "in", appIds).execute()
      : [],
  ]);
  return {
    appNames: new Map(apps.map((a) => [a.id, a.name])),
    deployments: new Map(deployments.map((d) => [d.id, d])),
    buildSeqs: new Map(builds.map((b) => [b.id, b.seq])),
    releaseSeqs: new Map(releases.map((r) => [r.id, r.seq])),
    releaseEvents: new Map(releaseEvents.map((e) => [e.release_id ?? "", e])),
  };
}

/** One log row as a LifecycleEvent. */
export function toLifecycleEventProto(e: LifecycleEventTable, look: LifecycleLookup): LifecycleEvent {
  return create(LifecycleEventSchema, {
    id: e.id,
    kind: e.kind,
    time: timestampFromMs(e.time),
    app: e.app_id ? (look.appNames.get(e.app_id) ?? "") : "",
    actor: { tokenId: e.actor_token_id, name: e.actor_name },
    reason: e.reason,
    gitSha: e.git_sha,
    buildId: e.build_id ?? "",
    buildSeq: e.build_id ? (look.buildSeqs.get(e.build_id) ?? 0) : 0,
    deploymentId: e.deployment_id ?? "",
    deploymentSeq: e.deployment_id ? (look.deployments.get(e.deployment_id)?.seq ?? 0) : 0,
    releaseId: e.release_id ?? "",
    releaseSeq: e.release_id ? (look.releaseSeqs.get(e.release_id) ?? 0) : 0,
    jobId: e.job_id ?? "",
    configRevision: e.config_revision ?? 0,
    targets: targetsOf(e).map((t) => ({
      deploymentId: t.deploymentId,
      deploymentSeq: look.deployments.get(t.deploymentId)?.seq ?? 0,
      weight: t.weight,
    })),
  });
}

/** One interval as a LiveInterval, with its deployment's commit and the release that opened it. */
export function toLiveIntervalProto(i: LiveIntervalTable, look: LifecycleLookup): LiveInterval {
  const dep = look.deployments.get(i.deployment_id);
  const release = look.releaseEvents.get(i.release_id);
  return create(LiveIntervalSchema, {
    app: look.appNames.get(i.app_id) ?? "",
    deploymentId: i.deployment_id,
    deploymentSeq: dep?.seq ?? 0,
    weight: i.weight,
    git: dep ? toGitInfoProto(dep) : undefined,
    configRevision: dep?.config_revision ?? 0,
    from: timestampFromMs(i.from_time),
    to: optionalTimestamp(i.to_time),
    releaseId: i.release_id,
    releaseSeq: i.release_seq,
    rollback: release?.kind === "rollback",
    reason: release?.reason ?? "",
    actor: release ? { tokenId: release.actor_token_id, name: release.actor_name } : undefined,
  });
}
