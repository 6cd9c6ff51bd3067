import { getDeploymentRow } from "../history/get-history.js";
import { crashSeen, type InstanceSeen } from "../lifecycle-log/crash-seen.js";
import { appendLifecycleEvent, withLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
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
  const names = new Map<string, { project: string; app: string; appId: string; gitSha: string }>();
  // What each instance of each deployment looked like last time (see crash-seen.ts); a deployment without
  // instances (destroyed) is forgotten.
  const lastSeen = new Map<string, Map<string, InstanceSeen>>();

  async function namesOf(deploymentId: string) {
    const known = names.get(deploymentId);
    if (known) return known;
    const row = await ctx.store.db
      .selectFrom("deployments")
      .innerJoin("applications", "applications.id", "deployments.app_id")
      .select(["applications.project", "applications.name", "applications.id", "deployments.git_sha"])
      .where("deployments.id", "=", deploymentId)
      .executeTakeFirst();
    const n = {
      project: row?.project ?? "",
      app: row?.name ?? "",
      appId: row?.id ?? "",
      gitSha: row?.git_sha ?? "",
    };
    names.set(deploymentId, n);
    return n;
  }

  async function update(deploymentId: string): Promise<void> {
    const views = engine.platform.instances(deploymentId);
    const n = await namesOf(deploymentId);
    for (const v of views) await publishInstance(ctx, n, v);
    const event = { project: n.project, appId: n.appId || null, gitSha: n.gitSha, deploymentId };
    const seen = lastSeen.get(deploymentId) ?? new Map<string, InstanceSeen>();
    if (views.length === 0) lastSeen.delete(deploymentId);
    else lastSeen.set(deploymentId, seen);
    for (const v of views) {
      const next = crashSeen(seen.get(v.id), v);
      seen.set(v.id, next.seen);
      if (next.crashed)
        await appendLifecycleEvent(ctx.store.db, {
          ...event,
          kind: "instance.crashed",
          reason: v.lastHealthError,
          details: { instanceId: v.id, idx: v.idx, restarts: v.restarts },
        });
    }
    const row = await getDeploymentRow(ctx.store.db, deploymentId).catch(() => undefined);
    if (!row || (row.status !== "healthy" && row.status !== "unhealthy")) return;
    const health = aggregateHealth(views);
    const next = health === "healthy" ? "healthy" : health === "unhealthy" ? "unhealthy" : row.status;
    if (next === row.status) return;
    const reason = views.map((v) => v.lastHealthError).find(Boolean) ?? "";
    await withLifecycleEvent(
      ctx.store.db,
      (r: { numUpdatedRows: bigint }) =>
        r.numUpdatedRows > 0n
          ? next === "healthy"
            ? { ...event, kind: "deployment.healthy" as const }
            : { ...event, kind: "deployment.unhealthy" as const, reason }
          : undefined,
      (trx) =>
        trx
          .updateTable("deployments")
          .set({ status: next })
          .where("id", "=", deploymentId)
          .where("status", "in", ["healthy", "unhealthy"])
          .executeTakeFirst(),
    );
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
