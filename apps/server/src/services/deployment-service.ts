import type { DeploymentService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { requireAppRef, resolveAppRef } from "../catalog/app-ref.js";
import { deploymentStatusToRow } from "../catalog/statuses.js";
import { toInstanceProto } from "../catalog/to-proto.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { instanceLiveState } from "../entrypoint/session-registry.js";
import { listCommitsBetween } from "../history/commit-history.js";
import { getDeploymentRow, getDeploymentRowBySeq } from "../history/get-history.js";
import { deploymentProto, deploymentProtos } from "../history/history-protos.js";
import { historyQueryFrom } from "../history/history-query.js";
import { listDeploymentRows } from "../history/list-history.js";
import { annotateDeployment } from "../lifecycle/annotate-deployment.js";
import { destroyDeployment } from "../lifecycle/destroy-deployment.js";
import { engineOf } from "../lifecycle/engine.js";
import { scaleDeployment } from "../lifecycle/scale-deployment.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.DeploymentService: deployment history and instances. */
export function createDeploymentService(ctx: ServerContext): ServiceImpl<typeof DeploymentService> {
  const db = ctx.store.db;
  return {
    async getDeployment(req) {
      if (req.id !== "") {
        return {
          deployment: await deploymentProto(db, await getDeploymentRow(db, req.id), urlOptionsOf(ctx)),
        };
      }
      const app = await resolveAppRef(db, req.app);
      const row = await getDeploymentRowBySeq(db, app, req.seq);
      const [deployment] = await deploymentProtos(db, app, [row], urlOptionsOf(ctx));
      return { deployment };
    },

    async listDeployments(req) {
      const app = await resolveAppRef(db, req.app);
      const query = historyQueryFrom("deployments", req, req.statuses.map(deploymentStatusToRow));
      const page = await listDeploymentRows(db, app.id, query);
      return {
        deployments: await deploymentProtos(db, app, page.rows, urlOptionsOf(ctx)),
        nextPageToken: page.nextPageToken,
      };
    },

    async listInstances(req) {
      await getDeploymentRow(db, req.deploymentId);
      const rows = await db
        .selectFrom("instances")
        .selectAll()
        .where("deployment_id", "=", req.deploymentId)
        .orderBy("idx")
        .execute();
      // `connected` and `configError` come from the entrypoint session registry (what connected entrypoints report).
      const { sessions } = entrypointRuntime(ctx);
      return { instances: rows.map((r) => toInstanceProto(r, instanceLiveState(sessions, r.id))) };
    },

    async listCommitsBetween(req) {
      const app = await resolveAppRef(db, req.app);
      const from = await getDeploymentRowBySeq(db, app, req.fromSeq);
      const to = await getDeploymentRowBySeq(db, app, req.toSeq);
      return listCommitsBetween(db, app.project, from.git_sha, to.git_sha);
    },

    async destroyDeployment(req, hctx) {
      const row = await destroyDeployment(ctx, engineOf(ctx), {
        deploymentId: req.deploymentId,
        actor: getCaller(hctx),
      });
      return { deployment: await deploymentProto(db, row, urlOptionsOf(ctx)) };
    },

    async annotateDeployment(req, hctx) {
      const { project, app } = requireAppRef(req.app);
      const row = await annotateDeployment(ctx, {
        project,
        app,
        seq: req.seq,
        pinned: req.pinned,
        note: req.note,
        actor: getCaller(hctx),
      });
      return { deployment: await deploymentProto(db, row, urlOptionsOf(ctx)) };
    },

    async scaleDeployment(req, hctx) {
      const row = await scaleDeployment(ctx, engineOf(ctx), {
        ...requireAppRef(req.app),
        seq: req.seq,
        count: req.count,
        actor: getCaller(hctx),
      });
      return { deployment: await deploymentProto(db, row, urlOptionsOf(ctx)) };
    },
  };
}
