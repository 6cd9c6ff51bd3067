import type { ExecService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { startExec } from "../exec/start-exec.js";
import { deploymentPlatform } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";

/** How long an instance's entrypoint gets to connect before its platform's exec is used (when it has one). */
export function connectTimeoutMs(): number {
  const v = Number(process.env.BERTH_EXEC_CONNECT_TIMEOUT_MS);
  return Number.isFinite(v) && v >= 0 && process.env.BERTH_EXEC_CONNECT_TIMEOUT_MS ? v : 10_000;
}

/** ExecService: one-off commands in a running instance, through its entrypoint (or else its platform). */
export function createExecService(ctx: ServerContext): ServiceImpl<typeof ExecService> {
  const { sessions, execs, peers } = entrypointRuntime(ctx);
  return {
    startExecStream: (requests, hctx) =>
      startExec(
        {
          ctx,
          sessions,
          relay: execs,
          platform: deploymentPlatform(ctx),
          connectTimeoutMs: connectTimeoutMs(),
          peers,
        },
        requests,
        hctx,
      ),
  };
}
