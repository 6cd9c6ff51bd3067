import { appendLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import type { ApplicationTable, RolloutTable } from "../store/schema.js";
import { rolloutSteps } from "./rollout-rows.js";

/**
 * Records that the server aborted a rollout by itself, with why: the life of the canary's commit shows it, and it is
 * the `release.auto_aborted` notification (the abort's own release is an ordinary "release" of the baseline).
 */
export async function recordAutoAbort(
  ctx: ServerContext,
  app: ApplicationTable,
  row: RolloutTable,
  reason: string,
): Promise<void> {
  const canary = await ctx.store.db
    .selectFrom("deployments")
    .select(["seq", "git_sha"])
    .where("id", "=", row.canary_deployment_id)
    .executeTakeFirst();
  await appendLifecycleEvent(ctx.store.db, {
    kind: "release.auto_aborted",
    project: app.project,
    appId: app.id,
    actor: { name: "server" },
    reason,
    gitSha: canary?.git_sha ?? "",
    deploymentId: row.canary_deployment_id,
    releaseId: row.release_id,
    details: { rollout: row.id, seq: canary?.seq, step: row.step, steps: rolloutSteps(row) },
  });
}
