import type { ExecService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { startExec } from "../exec/start-exec.js";
import type { ServerContext } from "../server-context.js";

/** ExecService: one-off commands in a running instance, relayed through its entrypoint. */
export function createExecService(ctx: ServerContext): ServiceImpl<typeof ExecService> {
  const { sessions, execs } = entrypointRuntime(ctx);
  return {
    startExecStream: (requests, hctx) => startExec({ ctx, sessions, relay: execs }, requests, hctx),
  };
}
