import { type Rollout, RolloutSchema, RolloutState } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { optionalTimestamp, parseReleaseTargets, toGitInfoProto } from "../catalog/to-proto.js";
import { deploymentRowsById } from "../history/get-history.js";
import type { ApplicationTable, Database, RolloutTable } from "../store/schema.js";
import { trafficSummary } from "../traffic/traffic-stats.js";
import { rolloutAutoAbort, rolloutSteps } from "./rollout-rows.js";
import type { RolloutTraffic } from "./rollout-runner.js";
import { stepTargets } from "./rollout-steps.js";

const states: Record<RolloutTable["state"], RolloutState> = {
  running: RolloutState.RUNNING,
  completed: RolloutState.COMPLETED,
  aborted: RolloutState.ABORTED,
  superseded: RolloutState.SUPERSEDED,
};

/** Each side's share of the app's traffic as the rollout left it (superseded: as the app's release has it). */
async function weightsOf(db: Kysely<Database>, app: ApplicationTable, row: RolloutTable) {
  const steps = rolloutSteps(row);
  let targets = stepTargets(row.baseline_deployment_id, row.canary_deployment_id, steps[row.step] ?? 100);
  if (row.state === "completed") targets = [{ deploymentId: row.canary_deployment_id, weight: 100 }];
  if (row.state === "aborted") targets = [{ deploymentId: row.baseline_deployment_id, weight: 100 }];
  if (row.state === "superseded" && app.current_release_id) {
    const current = await db
      .selectFrom("releases")
      .select("targets_json")
      .where("id", "=", app.current_release_id)
      .executeTakeFirst();
    targets = current ? parseReleaseTargets(current.targets_json) : [];
  }
  const weight = (id: string) => targets.find((t) => t.deploymentId === id)?.weight ?? 0;
  return { baseline: weight(row.baseline_deployment_id), canary: weight(row.canary_deployment_id) };
}

function metricsProto(t: RolloutTraffic["canary"]) {
  const s = trafficSummary(t);
  return { requests: BigInt(s.requests), errors5xx: BigInt(s.errors5xx), p50Ms: s.p50Ms, p95Ms: s.p95Ms };
}

/** A rollout row as the API shows it, with each side's commit, weight and (while it runs) live metrics. */
export async function rolloutProto(
  db: Kysely<Database>,
  app: ApplicationTable,
  row: RolloutTable,
  traffic: RolloutTraffic | undefined,
): Promise<Rollout> {
  const deployments = await deploymentRowsById(db, [row.baseline_deployment_id, row.canary_deployment_id]);
  const weights = await weightsOf(db, app, row);
  const side = (id: string, weight: number, t: RolloutTraffic["canary"] | undefined) => {
    const d = deployments.get(id);
    return {
      deploymentId: id,
      seq: d?.seq ?? 0,
      git: d ? toGitInfoProto(d) : undefined,
      weight,
      metrics: t ? metricsProto(t) : undefined,
    };
  };
  const rules = rolloutAutoAbort(row);
  return create(RolloutSchema, {
    id: row.id,
    app: { project: app.project, app: app.name },
    state: states[row.state],
    baseline: side(row.baseline_deployment_id, weights.baseline, traffic?.baseline),
    canary: side(row.canary_deployment_id, weights.canary, traffic?.canary),
    steps: rolloutSteps(row),
    step: row.step,
    intervalSeconds: Math.round(row.interval_ms / 1000),
    nextStepAt: optionalTimestamp(row.next_step_at),
    autoAbort: {
      maxErrorRateMarginPercent: rules.maxErrorRateMarginPercent,
      minRequests: rules.minRequests,
      unhealthyAfterSeconds: rules.unhealthyAfterSeconds,
    },
    actor: {
      tokenId: row.actor_token_id,
      name: row.actor_name,
      kind: row.actor_token_id ? "login" : "server",
    },
    reason: row.reason,
    endReason: row.end_reason,
    createdAt: timestampFromMs(row.created_at),
    updatedAt: timestampFromMs(row.updated_at),
  });
}
