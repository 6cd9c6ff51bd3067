import { getDeploymentRow } from "../history/get-history.js";
import { aggregateHealth } from "../platforms/process/health-state.js";
import type { ServerContext } from "../server-context.js";
import type { Engine } from "./engine.js";
import { publishDeployment, publishInstance } from "./publish-changes.js";

/**
 * Keeps deployments' status in step with their instances after the deploy: a crash or failing health
 * check makes a healthy deployment unhealthy, recovery makes it healthy again. Publishes every change.
 */
export function startDeploymentMonitor(ctx: ServerContext, engine: Engine): () => void {
  const pending = new Set<string>();
  const names = new Map<string, { project: string; app: string }>();

  async function namesOf(deploymentId: string) {
    const known = names.get(deploymentId);
    if (known) return known;
    const row = await ctx.store.db
      .selectFrom("deployments")
      .innerJoin("applications", "applications.id", "deployments.app_id")
      .select(["applications.project", "applications.name"])
      .where("deployments.id", "=", deploymentId)
      .executeTakeFirst();
    const n = { project: row?.project ?? "", app: row?.name ?? "" };
    names.set(deploymentId, n);
    return n;
  }

  async function update(deploymentId: string): Promise<void> {
    const views = engine.platform.instances(deploymentId);
    const n = await namesOf(deploymentId);
    for (const v of views) await publishInstance(ctx, n, v);
    const row = await getDeploymentRow(ctx.store.db, deploymentId).catch(() => undefined);
    if (!row || (row.status !== "healthy" && row.status !== "unhealthy")) return;
    const health = aggregateHealth(views);
    const next = health === "healthy" ? "healthy" : health === "unhealthy" ? "unhealthy" : row.status;
    if (next === row.status) return;
    await ctx.store.db
      .updateTable("deployments")
      .set({ status: next })
      .where("id", "=", deploymentId)
      .where("status", "in", ["healthy", "unhealthy"])
      .execute();
    await publishDeployment(ctx, deploymentId);
  }

  const timers = new Set<NodeJS.Timeout>();
  const unsubscribe = engine.platform.onChange((deploymentId) => {
    if (pending.has(deploymentId)) return;
    pending.add(deploymentId);
    // Coalesce a burst of instance changes into one status update.
    const timer = setTimeout(() => {
      timers.delete(timer);
      pending.delete(deploymentId);
      update(deploymentId).catch((err) =>
        ctx.logger.warn({ err, deploymentId }, "updating deployment status failed"),
      );
    }, 20);
    timers.add(timer);
  });
  return () => {
    unsubscribe();
    // A stop must not leave an update to run against a store that is closing.
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
