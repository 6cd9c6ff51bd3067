import type { EntrypointService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { serveEntrypointSession } from "../entrypoint/entrypoint-session.js";
import { findInstance } from "../entrypoint/instance-target.js";
import { serveEntrypointExec } from "../exec/serve-entrypoint-exec.js";
import type { ServerContext } from "../server-context.js";

/** EntrypointService: what instances' entrypoints speak, each with a token scoped to its deployment. */
export function createEntrypointService(ctx: ServerContext): ServiceImpl<typeof EntrypointService> {
  const runtime = entrypointRuntime(ctx);
  const deploymentOf = async (instanceId: string) => {
    let id = runtime.instanceDeployments.get(instanceId);
    if (!id) {
      id = (await findInstance(ctx.store.db, instanceId)).instance.deployment_id;
      runtime.instanceDeployments.set(instanceId, id);
    }
    return id;
  };
  return {
    entrypointSession: (requests, hctx) =>
      serveEntrypointSession({ ctx, sessions: runtime.sessions }, requests, hctx),
    async uploadLogs(requests, hctx) {
      const caller = getCaller(hctx);
      let accepted = 0n;
      for await (const req of requests) {
        const deploymentId = await deploymentOf(req.instanceId);
        if (deploymentId !== caller.deploymentId) {
          throw new ConnectError(
            `instance_id "${req.instanceId}" does not belong to this token's deployment`,
            Code.PermissionDenied,
          );
        }
        const lines = req.lines.map((l) => ({
          timeMs: l.timestamp ? timestampMs(l.timestamp) : Date.now(),
          stream: l.stream,
          data: l.data,
          clientSeq: l.seq,
        }));
        accepted += BigInt(runtime.logs.append(deploymentId, req.instanceId, lines, Number(req.dropped)));
      }
      return { accepted };
    },
    entrypointExec: (requests, hctx) => serveEntrypointExec(runtime.execs, requests, hctx),
  };
}
