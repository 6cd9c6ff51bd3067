import type { BuildService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { resolveAppRef } from "../catalog/app-ref.js";
import { buildStatusToRow } from "../catalog/statuses.js";
import { getBuildRow } from "../history/get-history.js";
import { buildProto, buildProtos } from "../history/history-protos.js";
import { historyQueryFrom } from "../history/history-query.js";
import { listBuildRows } from "../history/list-history.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.BuildService: build history by app, git SHA, branch, status and time. */
export function createBuildService(ctx: ServerContext): ServiceImpl<typeof BuildService> {
  const db = ctx.store.db;
  return {
    async getBuild(req) {
      return { build: await buildProto(db, await getBuildRow(db, req.id)) };
    },

    async listBuilds(req) {
      const app = await resolveAppRef(db, req.app);
      const query = historyQueryFrom("builds", req, req.statuses.map(buildStatusToRow));
      const page = await listBuildRows(db, app.id, query);
      return { builds: buildProtos(app, page.rows), nextPageToken: page.nextPageToken };
    },
  };
}
