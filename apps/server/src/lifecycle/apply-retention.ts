import { getApplicationById } from "../catalog/projects.js";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import type { ServerContext } from "../server-context.js";
import { destroyDeployment } from "./destroy-deployment.js";
import type { Engine } from "./engine.js";
import { retentionOf, retentionVictims } from "./retention.js";

/**
 * Destroys the app's unreleased, unpinned deployments beyond its berth.hcl `retention { keep_unreleased = N }`,
 * each logged as `deployment.destroyed` with reason "retention". Returns the vN destroyed. An app without a
 * retention block keeps everything. Runs after a deploy succeeds and after a release.
 */
export async function applyRetention(
  ctx: ServerContext,
  engine: Engine,
  appId: string,
  /** A deployment to keep whatever its rank: the one a deploy just made (`berth up` releases it next). */
  spare?: string,
): Promise<number[]> {
  const db = ctx.store.db;
  const app = await getApplicationById(db, appId);
  const retention = retentionOf(app.config_json);
  if (!retention) return [];
  const kept = new Set<string>(spare ? [spare] : []);
  if (app.current_release_id) {
    const current = await db
      .selectFrom("releases")
      .select("targets_json")
      .where("id", "=", app.current_release_id)
      .executeTakeFirst();
    for (const t of current ? parseReleaseTargets(current.targets_json) : []) kept.add(t.deploymentId);
  }
  // Only the running ones: the index on (app_id, status) keeps this cheap beside a long history.
  const running = await db
    .selectFrom("deployments")
    .select(["id", "seq", "status", "pinned"])
    .where("app_id", "=", appId)
    .where("status", "in", ["healthy", "unhealthy"])
    .execute();
  const victims = retentionVictims(
    running.map((d) => ({ ...d, pinned: d.pinned === 1 })),
    kept,
    retention.keepUnreleased,
  );
  const destroyed: number[] = [];
  for (const v of victims) {
    try {
      await destroyDeployment(ctx, engine, {
        deploymentId: v.id,
        actor: { tokenId: "", name: "retention" },
        reason: "retention",
      });
      destroyed.push(v.seq);
    } catch (err) {
      // Released meanwhile (the destroy re-checks): it stays, and so do the others' chances.
      ctx.logger.warn({ err, deploymentId: v.id }, "retention could not destroy a deployment");
    }
  }
  return destroyed;
}

/** applyRetention for a caller that must not fail because of it (a deploy or release already done). */
export function applyRetentionQuietly(
  ctx: ServerContext,
  engine: Engine,
  appId: string,
  spare?: string,
): Promise<void> {
  return applyRetention(ctx, engine, appId, spare).then(
    () => undefined,
    (err) => ctx.logger.warn({ err, appId }, "applying retention failed"),
  );
}
