import type { LogService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { forwardLogStream, remoteLogHolder } from "../logs/forward-log-stream.js";
import { serveLogStream } from "../logs/serve-log-stream.js";
import type { ServerContext } from "../server-context.js";

/**
 * LogService: backfill then follow, for one instance or a whole deployment merged by time — from this replica's
 * log window, or forwarded from the replica that holds the instance's entrypoint.
 */
export function createLogService(ctx: ServerContext): ServiceImpl<typeof LogService> {
  const runtime = entrypointRuntime(ctx);
  return {
    async *getLogStream(req, hctx) {
      // A follow ends with the call or with the server (a stop must not wait for it).
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      const holder = await remoteLogHolder(ctx, runtime, req);
      yield* holder
        ? forwardLogStream(runtime, holder, req, signal)
        : serveLogStream(ctx, runtime, req, signal);
    },
  };
}
