import type { ReleaseService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { requireAppRef, resolveAppRef } from "../catalog/app-ref.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { getReleaseRow } from "../history/get-history.js";
import { releaseProto, releaseProtos } from "../history/history-protos.js";
import { historyQueryFrom } from "../history/history-query.js";
import { listReleaseRows } from "../history/list-history.js";
import { applyRetentionQuietly } from "../lifecycle/apply-retention.js";
import { engineOf } from "../lifecycle/engine.js";
import { releaseDeployment, rollbackRelease } from "../lifecycle/release-deployment.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.ReleaseService: release history (releasing itself comes with the lifecycle). */
export function createReleaseService(ctx: ServerContext): ServiceImpl<typeof ReleaseService> {
  const db = ctx.store.db;
  return {
    async release(req, hctx) {
      const { project, app } = requireAppRef(req.app);
      const caller = getCaller(hctx);
      const row = await releaseDeployment(ctx, {
        project,
        app,
        seq: req.seq || undefined,
        deploymentId: req.deploymentId || undefined,
        canaryPercent: req.canaryPercent,
        force: req.force,
        reason: req.reason,
        actor: caller,
      });
      await applyRetentionQuietly(ctx, engineOf(ctx), row.app_id);
      return { release: await releaseProto(db, row, urlOptionsOf(ctx)) };
    },

    async rollback(req, hctx) {
      const { project, app } = requireAppRef(req.app);
      const row = await rollbackRelease(ctx, { project, app, reason: req.reason, actor: getCaller(hctx) });
      await applyRetentionQuietly(ctx, engineOf(ctx), row.app_id);
      return { release: await releaseProto(db, row, urlOptionsOf(ctx)) };
    },

    async getRelease(req) {
      return { release: await releaseProto(db, await getReleaseRow(db, req.id), urlOptionsOf(ctx)) };
    },

    async listReleases(req) {
      const app = await resolveAppRef(db, req.app);
      const page = await listReleaseRows(db, app.id, historyQueryFrom("releases", req));
      return {
        releases: await releaseProtos(db, app, page.rows, urlOptionsOf(ctx)),
        nextPageToken: page.nextPageToken,
      };
    },
  };
}
