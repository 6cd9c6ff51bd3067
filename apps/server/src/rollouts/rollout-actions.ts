import { Code, ConnectError } from "@connectrpc/connect";
import { ulid } from "ulid";
import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import { releaseDeployment } from "../lifecycle/release-deployment.js";
import type { ServerContext } from "../server-context.js";
import type { ApplicationTable, RolloutTable } from "../store/schema.js";
import type { AutoAbortRules } from "./auto-abort-verdict.js";
import { rolloutAutoAbort, rolloutSteps, runningRollout, updateRollout } from "./rollout-rows.js";
import { stepReason, stepsProblem, stepTargets } from "./rollout-steps.js";

export type Actor = Pick<Caller, "tokenId" | "name">;

export interface StartRolloutInput {
  app: ApplicationTable;
  seq?: number;
  deploymentId?: string;
  steps: number[];
  intervalMs: number;
  autoAbort: AutoAbortRules;
  reason: string;
  actor?: Actor;
}

const serverActor: Actor = { tokenId: "", name: "server" };

/** Starts a rollout: checks, records it, and releases its first step. */
export async function startRollout(ctx: ServerContext, input: StartRolloutInput): Promise<RolloutTable> {
  const db = ctx.store.db;
  const { app } = input;
  const problem = stepsProblem(input.steps);
  if (problem) throw new ConnectError(problem, Code.InvalidArgument);
  const running = await runningRollout(db, app.id);
  if (running)
    throw new ConnectError(
      `${app.name} already has a rollout running; advance, abort or complete it first`,
      Code.FailedPrecondition,
    );
  const canary = await db
    .selectFrom("deployments")
    .select(["id", "seq"])
    .where("app_id", "=", app.id)
    .$if(!!input.deploymentId, (q) => q.where("id", "=", input.deploymentId ?? ""))
    .$if(!input.deploymentId, (q) => q.where("seq", "=", input.seq ?? 0))
    .executeTakeFirst();
  if (!canary)
    throw new ConnectError(
      `${app.name} has no deployment ${input.deploymentId ? `"${input.deploymentId}"` : `v${input.seq}`}`,
      Code.NotFound,
    );
  const current = app.current_release_id
    ? await db.selectFrom("releases").selectAll().where("id", "=", app.current_release_id).executeTakeFirst()
    : undefined;
  const baseline = current
    ? [...parseReleaseTargets(current.targets_json)].sort((a, b) => b.weight - a.weight)[0]
    : undefined;
  if (!baseline)
    throw new ConnectError(
      `${app.name} has never been released: release a first version with berth release vN, then roll out the next`,
      Code.FailedPrecondition,
    );
  if (baseline.deploymentId === canary.id)
    throw new ConnectError(
      `${app.name} v${canary.seq} already takes the app's traffic`,
      Code.FailedPrecondition,
    );

  const now = Date.now();
  const row: RolloutTable = {
    id: ulid(now),
    app_id: app.id,
    state: "running",
    baseline_deployment_id: baseline.deploymentId,
    canary_deployment_id: canary.id,
    steps_json: JSON.stringify(input.steps),
    step: 0,
    interval_ms: input.intervalMs,
    next_step_at: null,
    auto_abort_json: JSON.stringify(input.autoAbort),
    release_id: "",
    actor_token_id: input.actor?.tokenId ?? "",
    actor_name: input.actor?.name ?? "server",
    reason: input.reason,
    end_reason: "",
    created_at: now,
    updated_at: now,
  };
  try {
    await db.insertInto("rollouts").values(row).execute();
  } catch (err) {
    // The unique index: another request (or replica) started one a moment ago.
    if (await runningRollout(db, app.id))
      throw new ConnectError(
        `${app.name} already has a rollout running`,
        Code.Aborted,
        undefined,
        undefined,
        err,
      );
    throw err;
  }
  await recordAudit(db, {
    actor: input.actor,
    action: "rollout.start",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { seq: canary.seq, steps: input.steps, intervalMs: input.intervalMs, reason: input.reason },
  });
  try {
    return await goToStep(ctx, app, row, 0, input.reason, input.actor);
  } catch (err) {
    await updateRollout(db, row, {
      state: "aborted",
      end_reason: `the first step was refused: ${errorText(err)}`,
    });
    throw err;
  }
}

/** Whether the rollout aborts by itself on anything (5xx margin or canary health). */
function hasAutoAbort(row: RolloutTable): boolean {
  const rules = rolloutAutoAbort(row);
  return rules.maxErrorRateMarginPercent > 0 || rules.unhealthyAfterSeconds > 0;
}

function errorText(err: unknown): string {
  return err instanceof ConnectError ? err.rawMessage : String(err);
}

/** Releases step `step` of a rollout and records where it stands (the last step, or 100 %, completes it). */
async function goToStep(
  ctx: ServerContext,
  app: ApplicationTable,
  row: RolloutTable,
  step: number,
  why: string,
  actor: Actor | undefined,
): Promise<RolloutTable> {
  const steps = rolloutSteps(row);
  const weight = steps[step] ?? 100;
  const release = await releaseDeployment(ctx, {
    project: app.project,
    app: app.name,
    deploymentId: row.canary_deployment_id,
    targets: stepTargets(row.baseline_deployment_id, row.canary_deployment_id, weight),
    reason: stepReason(steps, step, why),
    actor: actor ?? serverActor,
  });
  // Past a last step below 100 % the next move completes (by itself too, when steps are timed). At 100 % with timed
  // steps and an auto-abort rule, one more interval is a watch window: the new version alone takes the traffic and is
  // rolled back by itself if it fails it (a health-gated release: `--steps 100 --interval 2m --abort-when-unhealthy`).
  const watching = weight >= 100 && row.interval_ms > 0 && hasAutoAbort(row);
  const done = weight >= 100 && !watching;
  return updateRollout(ctx.store.db, row, {
    step,
    release_id: release.id,
    state: done ? "completed" : "running",
    next_step_at: !done && row.interval_ms > 0 ? Date.now() + row.interval_ms : null,
  });
}

/** The app's running rollout, or FailedPrecondition saying how the last one ended. */
export async function requireRunning(ctx: ServerContext, app: ApplicationTable): Promise<RolloutTable> {
  const row = await runningRollout(ctx.store.db, app.id);
  if (row) return row;
  const last = await ctx.store.db
    .selectFrom("rollouts")
    .select(["state", "end_reason"])
    .where("app_id", "=", app.id)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const how = last
    ? `the last one is ${last.state}${last.end_reason ? ` (${last.end_reason})` : ""}`
    : "it never had one";
  throw new ConnectError(`${app.name} has no running rollout: ${how}`, Code.FailedPrecondition);
}

/** The next step now; past the last one, 100 %. */
export async function advanceRollout(
  ctx: ServerContext,
  app: ApplicationTable,
  row: RolloutTable,
  why: string,
  actor: Actor | undefined,
): Promise<RolloutTable> {
  const steps = rolloutSteps(row);
  if (row.step + 1 >= steps.length) return completeRollout(ctx, app, row, why, actor);
  await recordAudit(ctx.store.db, {
    actor,
    action: "rollout.advance",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { step: row.step + 1, weight: steps[row.step + 1], reason: why },
  });
  return goToStep(ctx, app, row, row.step + 1, why, actor);
}

/** All traffic to the canary now. */
export async function completeRollout(
  ctx: ServerContext,
  app: ApplicationTable,
  row: RolloutTable,
  why: string,
  actor: Actor | undefined,
): Promise<RolloutTable> {
  const steps = rolloutSteps(row);
  // After a watch window at 100 % the split already is the canary alone: completing records no second release.
  const release =
    (steps[row.step] ?? 0) >= 100
      ? { id: row.release_id }
      : await releaseDeployment(ctx, {
          project: app.project,
          app: app.name,
          deploymentId: row.canary_deployment_id,
          targets: stepTargets(row.baseline_deployment_id, row.canary_deployment_id, 100),
          reason: why ? `rollout completed: ${why}` : "rollout completed",
          actor: actor ?? serverActor,
        });
  await recordAudit(ctx.store.db, {
    actor,
    action: "rollout.complete",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { fromStep: row.step, steps, reason: why },
  });
  return updateRollout(ctx.store.db, row, {
    state: "completed",
    step: steps.length - 1,
    release_id: release.id,
    next_step_at: null,
  });
}

/** All traffic back to the baseline, at once; the rollout ends with `why`. */
export async function abortRollout(
  ctx: ServerContext,
  app: ApplicationTable,
  row: RolloutTable,
  why: string,
  actor: Actor | undefined,
): Promise<RolloutTable> {
  const endReason = why || "aborted";
  // Forced: returning traffic must not wait on the baseline's last health check.
  const release = await releaseDeployment(ctx, {
    project: app.project,
    app: app.name,
    deploymentId: row.baseline_deployment_id,
    targets: [{ deploymentId: row.baseline_deployment_id, weight: 100 }],
    reason: `rollout aborted: ${endReason}`,
    force: true,
    actor: actor ?? serverActor,
  });
  await recordAudit(ctx.store.db, {
    actor: actor ?? serverActor,
    action: "rollout.abort",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { atStep: row.step, reason: endReason, automatic: !actor },
  });
  return updateRollout(ctx.store.db, row, {
    state: "aborted",
    release_id: release.id,
    end_reason: endReason,
    next_step_at: null,
  });
}
