import type { Engine } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";
import { closePreview } from "./close-preview.js";

/** How often the sweeper looks: a closed PR's leftovers and an expired preview go within this (plus the work). */
export const previewSweepMs = 5_000;

/**
 * One sweep: previews past `expire_after` are closed; closed previews whose app still runs a deployment
 * (a build or deploy in flight when the PR closed, finished since) have it destroyed.
 */
export async function sweepPreviews(ctx: ServerContext, engine: Engine, now = Date.now()): Promise<number> {
  const db = ctx.store.db;
  const expired = await db
    .selectFrom("previews")
    .selectAll()
    .where("state", "!=", "closed")
    .where("expires_at", "is not", null)
    .where("expires_at", "<=", now)
    .execute();
  for (const p of expired) await closePreview(ctx, engine, p, "expired (expire_after)");
  const leftovers = await db
    .selectFrom("previews as p")
    .innerJoin("applications as a", (j) =>
      j.onRef("a.project", "=", "p.project").onRef("a.name", "=", "p.preview_app"),
    )
    .leftJoin("deployments as d", (j) =>
      j.onRef("d.app_id", "=", "a.id").on("d.status", "in", ["deploying", "healthy", "unhealthy"]),
    )
    .selectAll("p")
    .where("p.state", "=", "closed")
    .where((eb) => eb.or([eb("d.id", "is not", null), eb("a.current_release_id", "is not", null)]))
    .distinct()
    .execute();
  for (const p of leftovers) await closePreview(ctx, engine, p, p.reason || "closed");
  return expired.length + leftovers.length;
}

/** Runs the sweep every `everyMs` until the server closes; a failed sweep is logged and tried again. */
export function startPreviewSweeper(ctx: ServerContext, engine: Engine, everyMs = previewSweepMs): void {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepPreviews(ctx, engine)
      .catch((err: unknown) => ctx.logger.warn({ err }, "sweeping previews failed"))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  ctx.onClose(async () => {
    clearInterval(timer);
    await running;
  });
}
