import type { EventService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { type WatchEventsOptions, watchEvents } from "../events/watch-events.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.EventService: one live stream of catalog changes for the dashboard. */
export function createEventService(
  ctx: ServerContext,
  options: WatchEventsOptions = {},
): ServiceImpl<typeof EventService> {
  return {
    watchEvents(req, hctx) {
      // The stream ends when the client goes away or the server shuts down.
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      return watchEvents(ctx.events, { project: req.project, app: req.app }, signal, options);
    },
  };
}
