import {
  BuildParamsSchema,
  DeployParamsSchema,
  DestroyParamsSchema,
  type Job,
  JobKind,
  type JobResult,
  JobResultSchema,
  JobSchema,
  JobState,
  ReleaseParamsSchema,
} from "@berth/proto";
import { create, fromJsonString, type Message, toJsonString } from "@bufbuild/protobuf";
import type { GenMessage } from "@bufbuild/protobuf/codegenv2";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { optionalTimestamp, toGitInfoProto } from "../catalog/to-proto.js";
import type { JobTable } from "../store/schema.js";

export const jobKindNames: Record<string, JobKind> = {
  build: JobKind.BUILD,
  deploy: JobKind.DEPLOY,
  release: JobKind.RELEASE,
  up: JobKind.UP,
  destroy: JobKind.DESTROY,
};

export const jobStateNames: Record<string, JobState> = {
  queued: JobState.QUEUED,
  running: JobState.RUNNING,
  success: JobState.SUCCESS,
  error: JobState.ERROR,
  cancelled: JobState.CANCELLED,
};

export type JobStateName = "queued" | "running" | "success" | "error" | "cancelled";

/** Row name of a JobKind / JobState enum value. */
export function nameOf<T extends number>(table: Record<string, T>, value: T): string {
  return Object.entries(table).find(([, v]) => v === value)?.[0] ?? "";
}

export function isTerminal(state: string): boolean {
  return state === "success" || state === "error" || state === "cancelled";
}

const paramSchemas = {
  build: BuildParamsSchema,
  deploy: DeployParamsSchema,
  release: ReleaseParamsSchema,
  destroy: DestroyParamsSchema,
} as const;

/** Stores a job's params oneof as `{"case": ..., "value": <proto JSON>}`. */
export function paramsToJson(params: Job["params"]): string {
  if (!params.case) return "{}";
  // The case selects the matching schema; TypeScript cannot correlate the two, hence the cast.
  const schema = paramSchemas[params.case] as GenMessage<Message>;
  return JSON.stringify({
    case: params.case,
    value: JSON.parse(toJsonString(schema, params.value as Message)),
  });
}

export function paramsFromJson(json: string): Job["params"] {
  try {
    const parsed = JSON.parse(json) as { case?: keyof typeof paramSchemas; value?: unknown };
    if (!parsed.case || !(parsed.case in paramSchemas)) return { case: undefined };
    const value = fromJsonString(paramSchemas[parsed.case], JSON.stringify(parsed.value ?? {}));
    return { case: parsed.case, value } as Job["params"];
  } catch {
    return { case: undefined };
  }
}

export function resultToJson(result: JobResult | undefined): string {
  return result ? toJsonString(JobResultSchema, result) : "{}";
}

export function resultFromJson(json: string): JobResult {
  try {
    return fromJsonString(JobResultSchema, json || "{}");
  } catch {
    return create(JobResultSchema);
  }
}

/** A jobs row as a Job. */
export function toJobProto(row: JobTable): Job {
  return create(JobSchema, {
    id: row.id,
    kind: jobKindNames[row.kind] ?? JobKind.UNSPECIFIED,
    state: jobStateNames[row.state] ?? JobState.UNSPECIFIED,
    project: row.project,
    app: row.app,
    git: toGitInfoProto(row),
    targetRunnerId: row.target_runner_id,
    runnerId: row.runner_id ?? "",
    params: paramsFromJson(row.params_json),
    result: resultFromJson(row.result_json),
    error: row.error,
    actor: { tokenId: row.actor_token_id, name: row.actor_name, kind: "" },
    trigger: row.trigger,
    queuedAt: timestampFromMs(row.queued_at),
    startedAt: optionalTimestamp(row.started_at),
    finishedAt: optionalTimestamp(row.finished_at),
  });
}

/** Copies the fields of `extra` that are set (non-empty, non-zero) over `base`. */
export function mergeResults(base: JobResult, extra: Partial<JobResult> | undefined): JobResult {
  const out = create(JobResultSchema, base);
  if (!extra) return out;
  for (const [k, v] of Object.entries(extra)) {
    if (k === "$typeName" || k === "$unknown" || v === undefined || v === "" || v === 0n) continue;
    (out as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}
