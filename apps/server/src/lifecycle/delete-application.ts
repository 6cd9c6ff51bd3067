import { Code, ConnectError } from "@connectrpc/connect";
import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { getApplication } from "../catalog/projects.js";
import { appendLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import { destroyDeployment } from "./destroy-deployment.js";
import type { Engine } from "./engine.js";
import { publishApplication } from "./publish-changes.js";

export interface DeleteApplicationInput {
  project: string;
  app: string;
  actor?: Pick<Caller, "tokenId" | "name">;
  /** Set when a project delete removes the app, for the log and the audit trail. */
  reason?: string;
}

/**
 * Deletes an app: its public URL stops serving (the release is cleared and its live intervals end), every
 * deployment still running is destroyed, and the app is marked deleted. Nothing of its history goes: builds,
 * deployments, releases, lifecycle events and the audit trail stay readable. Returns the vN destroyed.
 */
export async function deleteApplication(
  ctx: ServerContext,
  engine: Engine,
  input: DeleteApplicationInput,
): Promise<number[]> {
  const db = ctx.store.db;
  const app = await getApplication(db, input.project, input.app);
  if (app.deleted_at !== null)
    throw new ConnectError(
      `application "${app.name}" in project "${app.project}" was already deleted`,
      Code.NotFound,
    );
  const reason = input.reason ?? "app deleted";
  const now = Date.now();
  // The URL goes first, in one transaction with the log: no request reaches a deployment being stopped.
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("live_intervals")
      .set({ to_time: now })
      .where("app_id", "=", app.id)
      .where("to_time", "is", null)
      .execute();
    await trx
      .updateTable("applications")
      .set({ current_release_id: null, deleted_at: now, updated_at: now })
      .where("id", "=", app.id)
      .execute();
    await appendLifecycleEvent(trx, {
      kind: "app.deleted",
      project: app.project,
      appId: app.id,
      time: now,
      actor: input.actor,
      reason,
    });
  });
  await publishApplication(ctx, app.id);
  const running = await db
    .selectFrom("deployments")
    .select(["id", "seq"])
    .where("app_id", "=", app.id)
    .where("status", "in", ["deploying", "healthy", "unhealthy"])
    .orderBy("seq")
    .execute();
  const destroyed: number[] = [];
  for (const d of running) {
    await destroyDeployment(ctx, engine, { deploymentId: d.id, actor: input.actor, reason });
    destroyed.push(d.seq);
  }
  await recordAudit(db, {
    actor: input.actor,
    action: "application.delete",
    project: app.project,
    app: app.name,
    // Named, not by id: `berth audit` shows it as people know it.
    target: app.name,
    details: { destroyed, ...(input.reason && { reason: input.reason }) },
  });
  return destroyed;
}
