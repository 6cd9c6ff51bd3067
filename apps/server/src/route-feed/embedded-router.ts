import { startRouter } from "@berth/router";
import type { ServerContext } from "../server-context.js";
import type { TrafficStats } from "../traffic/traffic-stats.js";
import type { RouteFeed } from "./route-feed.js";

/**
 * The smallest setup's router: the same router as `berth router run`, inside the server and fed by the route
 * feed directly (no token, no stream). It stops with the server, so production runs routers apart.
 */
export async function startEmbeddedRouter(
  ctx: ServerContext,
  feed: RouteFeed,
  traffic: TrafficStats,
): Promise<void> {
  const router = await startRouter({
    source: { subscribe: (onTable) => feed.subscribe(onTable), onTraffic: (deltas) => traffic.add(deltas) },
    host: ctx.options.host,
    port: ctx.options.routerPort,
    log: (message) => ctx.logger.info(`embedded router: ${message}`),
  });
  ctx.routerPort = router.port;
  ctx.onClose(() => router.close());
}
