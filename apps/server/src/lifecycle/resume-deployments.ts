import type { ServerContext } from "../server-context.js";
import { platformSpec } from "./deployment-spec.js";
import type { Engine } from "./engine.js";
import { stopInstancesForGood } from "./stop-instances.js";

/**
 * After a server start: instances of live deployments are re-adopted (their pid is alive) or restarted.
 * A deployment caught mid-deploy by the stop is marked failed and its instances stopped: its job failed too.
 */
export async function resumeDeployments(ctx: ServerContext, engine: Engine): Promise<void> {
  const db = ctx.store.db;
  if (ctx.store.dialect === "postgres")
    // Live deployments made before replicas existed name none: the first replica to start takes them on (one
    // UPDATE, so two replicas starting at once never both re-adopt, or restart, the same instances).
    await db
      .updateTable("deployments")
      .set({ replica_id: ctx.replicaId })
      .where("replica_id", "=", "")
      .where("status", "in", ["deploying", "healthy", "unhealthy"])
      .execute();
  const rows = await db
    .selectFrom("deployments")
    .innerJoin("applications", "applications.id", "deployments.app_id")
    .selectAll("deployments")
    .select(["applications.project as project", "applications.name as app_name"])
    .where("deployments.status", "in", ["deploying", "healthy", "unhealthy"])
    // Another replica's platform runs its own deployments: re-adopting them here would start them twice.
    .where("deployments.replica_id", "in", ["", ctx.replicaId])
    .execute();
  const total = { adopted: 0, started: 0 };
  for (const row of rows) {
    if (!row.artifact_digest) continue;
    const spec = platformSpec(
      row,
      { project: row.project, app: row.app_name },
      engine.artifacts.pathOf(row.artifact_digest),
    );
    try {
      const counts = await engine.platform.resume([spec]);
      total.adopted += counts.adopted;
      total.started += counts.started;
    } catch (err) {
      ctx.logger.warn({ err, deploymentId: row.id }, "could not resume deployment");
    }
    if (row.status === "deploying") {
      await stopInstancesForGood(ctx, engine, row.id);
      await db
        .updateTable("deployments")
        .set({
          status: "failed",
          error: "interrupted: the server stopped during the deploy",
          finished_at: Date.now(),
        })
        .where("id", "=", row.id)
        .execute();
    }
  }
  if (total.adopted + total.started > 0)
    ctx.logger.info(
      total,
      `re-adopted ${total.adopted} instance${total.adopted === 1 ? "" : "s"}${total.started ? `, restarted ${total.started} whose process was gone` : ""}`,
    );
}
