import type { RouterService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { engineOf } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.RouterService: route tables for router processes and their traffic reports (router tokens only, see method-policies). */
export function createRouterService(ctx: ServerContext): ServiceImpl<typeof RouterService> {
  return {
    async reportTraffic(req) {
      engineOf(ctx).traffic.add(req.deployments);
      return {};
    },
    async *watchRoutes(req, hctx) {
      // Ends when the router goes away, its token is revoked (the auth interceptor's hold), or we shut down.
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      const router = req.routerName || "unnamed";
      ctx.logger.info({ router }, "router connected");
      try {
        for await (const table of engineOf(ctx).routes.watch(signal)) yield { table };
      } finally {
        ctx.logger.info({ router }, "router disconnected");
      }
    },
  };
}
