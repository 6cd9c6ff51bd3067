import type { LogService } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { findDeployment, findInstance } from "../entrypoint/instance-target.js";
import { deploymentPlatform } from "../lifecycle/engine.js";
import { decodeLogCursor } from "../logs/log-cursor.js";
import { toLogStreamResponse } from "../logs/log-line-proto.js";
import { nativeLogTargets } from "../logs/native-log-targets.js";
import { readLogs } from "../logs/read-logs.js";
import { readNativeLogs } from "../logs/read-native-logs.js";
import type { ServerContext } from "../server-context.js";

/**
 * LogService: backfill then follow, for one instance or a whole deployment merged by time. Lines come from the
 * entrypoints (the server's store); from the platform's own log when no entrypoint is connected.
 */
export function createLogService(ctx: ServerContext): ServiceImpl<typeof LogService> {
  const { logs, sessions } = entrypointRuntime(ctx);
  return {
    async *getLogStream(req, hctx) {
      const cursor = req.cursor ? decodeLogCursor(req.cursor) : undefined;
      let deploymentId = req.deploymentId;
      if (req.instanceId) {
        const owner =
          logs.deploymentOf(req.instanceId) ??
          (await findInstance(ctx.store.db, req.instanceId)).instance.deployment_id;
        if (deploymentId && owner !== deploymentId) {
          throw new ConnectError(
            `instance_id "${req.instanceId}" is not part of deployment_id "${deploymentId}"`,
            Code.InvalidArgument,
          );
        }
        deploymentId = owner;
      } else if (logs.instancesOf(deploymentId).length === 0) {
        await findDeployment(ctx.store.db, deploymentId);
      }
      const request = {
        deploymentId,
        instanceId: req.instanceId,
        tailLines: req.tailLines,
        sinceMs: req.since ? timestampMs(req.since) : undefined,
        untilMs: req.until ? timestampMs(req.until) : undefined,
        follow: req.follow,
        cursor,
      };
      // A follow ends with the call or with the server (a stop must not wait for it).
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      const platform = deploymentPlatform(ctx);
      const native = nativeLogTargets(platform, sessions, deploymentId, req.instanceId);
      const chunks = native
        ? readNativeLogs((id, o) => platform.nativeLogs!(id, o), { ...request, instanceIds: native }, signal)
        : readLogs(logs, request, signal);
      for await (const chunk of chunks) yield toLogStreamResponse(chunk);
    },
  };
}
