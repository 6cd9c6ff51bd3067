// Row → proto mappers for the catalog, in one place so every service (and the event bus) shapes records the same way.

import {
  type Application,
  ApplicationSchema,
  type Build,
  BuildSchema,
  type Deployment,
  DeploymentSchema,
  type GitInfo,
  GitInfoSchema,
  type Instance,
  InstanceSchema,
  type PhaseTiming,
  PhaseTimingSchema,
  type Project,
  ProjectSchema,
  type Release,
  ReleaseSchema,
  ReleaseTargetSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { type Timestamp, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type {
  ApplicationTable,
  BuildTable,
  DeploymentTable,
  GitColumns,
  InstanceTable,
  ProjectTable,
  ReleaseTable,
} from "../store/schema.js";
import {
  buildStatusFromRow,
  deploymentStatusFromRow,
  healthStateFromRow,
  instanceStateFromRow,
} from "./statuses.js";
import { parseTimings, type StoredTiming } from "./stored-timings.js";
import { appUrl, deploymentUrl, type UrlOptions } from "./urls.js";

/** Names the app a history record belongs to (rows carry only app_id). */
export interface AppNames {
  project: string;
  app: string;
}

/** A release target as stored in releases.targets_json. */
export interface StoredReleaseTarget {
  deploymentId: string;
  weight: number;
}

/** An optional epoch-ms time as a Timestamp (undefined stays unset). */
export function optionalTimestamp(ms: number | null | undefined): Timestamp | undefined {
  return ms === null || ms === undefined ? undefined : timestampFromMs(ms);
}

/** The git provenance columns of a row as a GitInfo. */
export function toGitInfoProto(row: GitColumns): GitInfo {
  return create(GitInfoSchema, {
    sha: row.git_sha,
    branch: row.git_branch,
    author: row.git_author,
    message: row.git_message,
    commitTime: optionalTimestamp(row.git_commit_time),
    dirty: row.git_dirty === 1,
  });
}

/** A GitInfo (or nothing) as the git provenance columns of a row. */
export function gitColumnsFrom(git: Partial<GitInfo> | undefined): GitColumns {
  const commitTime = git?.commitTime;
  return {
    git_sha: git?.sha ?? "",
    git_branch: git?.branch ?? "",
    git_author: git?.author ?? "",
    git_message: git?.message ?? "",
    git_commit_time: commitTime
      ? Number(commitTime.seconds) * 1000 + Math.floor(commitTime.nanos / 1e6)
      : null,
    git_dirty: git?.dirty ? 1 : 0,
  };
}

/** timings_json ([{ phase, startedAt, durationMs }]) as PhaseTimings; a malformed column yields none. */
export function toPhaseTimingsProto(json: string): PhaseTiming[] {
  // The column is ours but old rows may lack fields: each one still gets a defined, non-negative value.
  return parseTimings(json).map((t: Partial<StoredTiming>) =>
    create(PhaseTimingSchema, {
      phase: String(t.phase ?? ""),
      startedAt: optionalTimestamp(t.startedAt),
      durationMs: Math.max(0, Math.round(t.durationMs ?? 0)),
    }),
  );
}

/** A project row and the names of its apps as a Project. */
export function toProjectProto(row: ProjectTable, applications: string[]): Project {
  return create(ProjectSchema, {
    name: row.name,
    createdAt: timestampFromMs(row.created_at),
    updatedAt: timestampFromMs(row.updated_at),
    applications,
  });
}

/** An application row as an Application; `released` is the deployment its current release serves, if any. */
/** The app catalog's entry in an app's berth.hcl config (written by the CLI): what it holds, checked again here. */
function catalogOf(configJson: string): {
  description: string;
  owner: string;
  links: Record<string, string>;
} {
  let config: { description?: unknown; owner?: unknown; links?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(configJson);
    if (parsed && typeof parsed === "object") config = parsed;
  } catch {
    // A malformed column shows as no catalog entry rather than failing the listing.
  }
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  const links: Record<string, string> = {};
  if (config.links && typeof config.links === "object")
    // Only http(s): a link the dashboard renders must never be a script.
    for (const [k, v] of Object.entries(config.links as Record<string, unknown>))
      if (typeof v === "string" && /^https?:\/\//.test(v)) links[k] = v;
  return { description: text(config.description), owner: text(config.owner), links };
}

export function toApplicationProto(
  row: ApplicationTable,
  released:
    | { deploymentId: string; seq: number; targets?: { deploymentId: string; seq: number; weight: number }[] }
    | undefined,
  urls: UrlOptions,
): Application {
  return create(ApplicationSchema, {
    project: row.project,
    name: row.name,
    labels: parseJsonObject(row.labels_json),
    configJson: row.config_json,
    createdAt: timestampFromMs(row.created_at),
    updatedAt: timestampFromMs(row.updated_at),
    releasedDeploymentId: released?.deploymentId ?? "",
    releasedSeq: released?.seq ?? 0,
    url: appUrl(row.project, row.name, urls),
    releasedTargets: released?.targets ?? [],
    deletedAt: row.deleted_at ? timestampFromMs(row.deleted_at) : undefined,
    ...catalogOf(row.config_json),
  });
}

/** A build row as a Build. */
export function toBuildProto(row: BuildTable, names: AppNames): Build {
  return create(BuildSchema, {
    id: row.id,
    project: names.project,
    app: names.app,
    seq: row.seq,
    status: buildStatusFromRow(row.status),
    git: toGitInfoProto(row),
    builder: row.builder,
    artifact: row.artifact_digest
      ? { digest: row.artifact_digest, sizeBytes: BigInt(row.artifact_size ?? 0) }
      : undefined,
    jobId: row.job_id ?? "",
    createdAt: timestampFromMs(row.created_at),
    finishedAt: optionalTimestamp(row.finished_at),
    timings: toPhaseTimingsProto(row.timings_json),
    error: row.error,
    trigger: row.trigger,
    triggeredBy: row.triggered_by,
  });
}

/** A deployment row as a Deployment, with its own URL; `released` when the app's current release targets it. */
export function toDeploymentProto(
  row: DeploymentTable,
  names: AppNames,
  urls: UrlOptions,
  released = false,
): Deployment {
  return create(DeploymentSchema, {
    id: row.id,
    project: names.project,
    app: names.app,
    seq: row.seq,
    status: deploymentStatusFromRow(row.status),
    git: toGitInfoProto(row),
    buildId: row.build_id ?? "",
    artifactDigest: row.artifact_digest ?? "",
    artifactSizeBytes: BigInt(row.artifact_size ?? 0),
    platform: row.platform,
    instanceCount: row.instance_count,
    url: deploymentUrl(names.project, names.app, row.seq, urls),
    configRevision: row.config_revision,
    released,
    jobId: row.job_id ?? "",
    createdAt: timestampFromMs(row.created_at),
    finishedAt: optionalTimestamp(row.finished_at),
    destroyedAt: optionalTimestamp(row.destroyed_at),
    timings: toPhaseTimingsProto(row.timings_json),
    error: row.error,
    pinned: row.pinned === 1,
    note: row.note,
    trigger: row.trigger,
    triggeredBy: row.triggered_by,
  });
}

/** targets_json of a release row; a malformed column yields no targets. */
export function parseReleaseTargets(json: string): StoredReleaseTarget[] {
  try {
    const parsed = JSON.parse(json);
    if (!Array.isArray(parsed)) return [];
    return parsed.map((t: { deploymentId?: string; weight?: number }) => ({
      deploymentId: String(t.deploymentId ?? ""),
      weight: Number(t.weight ?? 0),
    }));
  } catch {
    return [];
  }
}

/**
 * A release row as a Release. `deployments` resolves each target's seq and git (targets whose deployment
 * is missing keep seq 0 and no git).
 */
export function toReleaseProto(
  row: ReleaseTable,
  names: AppNames,
  deployments: ReadonlyMap<string, DeploymentTable>,
  urls: UrlOptions,
): Release {
  return create(ReleaseSchema, {
    id: row.id,
    project: names.project,
    app: names.app,
    seq: row.seq,
    targets: parseReleaseTargets(row.targets_json).map((t) => {
      const d = deployments.get(t.deploymentId);
      return create(ReleaseTargetSchema, {
        deploymentId: t.deploymentId,
        weight: t.weight,
        seq: d?.seq ?? 0,
        git: d ? toGitInfoProto(d) : undefined,
      });
    }),
    url: appUrl(names.project, names.app, urls),
    actor: { tokenId: row.actor_token_id, name: row.actor_name, kind: "login" },
    reason: row.reason,
    rollbackOf: row.rollback_of ?? "",
    createdAt: timestampFromMs(row.created_at),
    forced: row.forced === 1,
  });
}

/** An instance row as an Instance; `connected` and `configError` are known only to the entrypoint session registry. */
export function toInstanceProto(
  row: InstanceTable,
  live: { connected: boolean; configError: string } = { connected: false, configError: "" },
): Instance {
  return create(InstanceSchema, {
    id: row.id,
    deploymentId: row.deployment_id,
    state: instanceStateFromRow(row.state),
    health: healthStateFromRow(row.health),
    port: row.port,
    pid: row.pid,
    restarts: row.restarts,
    startedAt: optionalTimestamp(row.started_at),
    configRevision: row.config_revision,
    connected: live.connected,
    lastHealthError: row.last_health_error,
    configError: live.configError,
    lastHealthAt: optionalTimestamp(row.last_health_at),
    nativeId: row.native_id,
  });
}

function parseJsonObject(json: string): Record<string, string> {
  try {
    const parsed = JSON.parse(json);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // A malformed column shows as no labels rather than failing the whole listing.
  }
  return {};
}
