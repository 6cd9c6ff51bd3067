import { getApplication } from "../catalog/projects.js";
import { deleteApplication } from "../lifecycle/delete-application.js";
import { destroyDeployment } from "../lifecycle/destroy-deployment.js";
import type { Engine } from "../lifecycle/engine.js";
import { publishApplication } from "../lifecycle/publish-changes.js";
import type { ServerContext } from "../server-context.js";
import type { PreviewTable } from "../store/schema.js";
import { publishPreview } from "./preview-protos.js";
import { markPreviewClosed } from "./preview-store.js";

const running = ["deploying", "healthy", "unhealthy"];

/**
 * Closes a preview: its row says closed (and why), its URL stops serving and every deployment of its app is
 * destroyed; the app is deleted (its history stays). Idempotent: run again, it destroys whatever a build or
 * deploy still in flight at the close started since (the sweeper does that).
 */
export async function closePreview(
  ctx: ServerContext,
  engine: Engine,
  preview: PreviewTable,
  reason: string,
): Promise<void> {
  const db = ctx.store.db;
  if (await markPreviewClosed(db, preview.id, reason)) await publishPreview(ctx, preview.id);
  const actor = { tokenId: "", name: "preview" };
  const app = await getApplication(db, preview.project, preview.preview_app).catch(() => undefined);
  if (!app) return;
  if (app.deleted_at === null) {
    await deleteApplication(ctx, engine, {
      project: preview.project,
      app: preview.preview_app,
      actor,
      reason: `preview closed: ${reason}`,
    });
    return;
  }
  // Deleted already: a release that landed after the close points the deleted app at a deployment again.
  if (app.current_release_id !== null) {
    await db.updateTable("applications").set({ current_release_id: null }).where("id", "=", app.id).execute();
    await publishApplication(ctx, app.id);
  }
  const left = await db
    .selectFrom("deployments")
    .select("id")
    .where("app_id", "=", app.id)
    .where("status", "in", running)
    .execute();
  for (const d of left)
    await destroyDeployment(ctx, engine, { deploymentId: d.id, actor, reason: `preview closed: ${reason}` });
}

/** Deployments of a preview app other than `keep` that still run: a newer push superseded them. */
export async function destroySuperseded(
  ctx: ServerContext,
  engine: Engine,
  project: string,
  previewApp: string,
  keep: string,
): Promise<void> {
  const app = await getApplication(ctx.store.db, project, previewApp);
  const old = await ctx.store.db
    .selectFrom("deployments")
    .select("id")
    .where("app_id", "=", app.id)
    .where("status", "in", running)
    .where("id", "!=", keep)
    .execute();
  for (const d of old)
    await destroyDeployment(ctx, engine, {
      deploymentId: d.id,
      actor: { tokenId: "", name: "preview" },
      reason: "superseded by a newer push to the pull request",
    }).catch((err: unknown) =>
      ctx.logger.warn({ err, deployment: d.id }, "destroying a superseded preview failed"),
    );
}
