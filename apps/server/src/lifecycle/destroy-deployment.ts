import { Code, ConnectError } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { getApplicationById } from "../catalog/projects.js";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import { getDeploymentRow } from "../history/get-history.js";
import { withLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import type { DeploymentTable } from "../store/schema.js";
import type { Engine } from "./engine.js";
import { publishDeployment } from "./publish-changes.js";
import { stopInstancesForGood } from "./stop-instances.js";

/** Stops a deployment's instances for good; its history stays. Refused while the app's release targets it. */
export async function destroyDeployment(
  ctx: ServerContext,
  engine: Engine,
  input: {
    deploymentId: string;
    actor?: Pick<Caller, "tokenId" | "name">;
    /** Why, when not a person's `berth destroy`: "retention", "app deleted". Logged and audited. */
    reason?: string;
  },
): Promise<DeploymentTable> {
  const db = ctx.store.db;
  const row = await getDeploymentRow(db, input.deploymentId);
  const app = await getApplicationById(db, row.app_id);
  if (row.status === "destroyed") return row;
  if (app.current_release_id) {
    const current = await db
      .selectFrom("releases")
      .select("targets_json")
      .where("id", "=", app.current_release_id)
      .executeTakeFirst();
    if (current && parseReleaseTargets(current.targets_json).some((t) => t.deploymentId === row.id))
      throw new ConnectError(
        `${app.name} v${row.seq} is released, so its public URL needs it: first release another deployment ` +
          `(berth release vN) or roll back (berth rollback), or delete the whole app (berth apps delete ${app.name})`,
        Code.FailedPrecondition,
      );
  }
  await stopInstancesForGood(ctx, engine, row.id);
  const now = Date.now();
  // Two destroys at once (retention after two releases, a person meanwhile) record it once.
  const changed = await withLifecycleEvent(
    db,
    (r: { numUpdatedRows: bigint }) =>
      r.numUpdatedRows > 0n
        ? {
            kind: "deployment.destroyed",
            project: app.project,
            appId: app.id,
            time: now,
            actor: input.actor,
            reason: input.reason ?? "",
            gitSha: row.git_sha,
            buildId: row.build_id,
            deploymentId: row.id,
          }
        : undefined,
    (trx) =>
      trx
        .updateTable("deployments")
        .set({ status: "destroyed", destroyed_at: now })
        .where("id", "=", row.id)
        .where("status", "!=", "destroyed")
        .executeTakeFirst(),
  );
  if (changed.numUpdatedRows === 0n) return getDeploymentRow(db, row.id);
  await recordAudit(db, {
    actor: input.actor,
    action: "deployment.destroy",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { seq: row.seq, ...(input.reason && { reason: input.reason }) },
  });
  await publishDeployment(ctx, row.id);
  return getDeploymentRow(db, row.id);
}
