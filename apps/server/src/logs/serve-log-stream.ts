import type { GetLogStreamRequest, GetLogStreamResponse } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { EntrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { findDeployment, findInstance } from "../entrypoint/instance-target.js";
import { deploymentPlatform } from "../lifecycle/engine.js";
import type { ServerContext } from "../server-context.js";
import { decodeLogCursor } from "./log-cursor.js";
import { toLogStreamResponse } from "./log-line-proto.js";
import { nativeLogTargets } from "./native-log-targets.js";
import { readLogs } from "./read-logs.js";
import { readNativeLogs } from "./read-native-logs.js";

/**
 * GetLogStream served from this replica: backfill then follow, for one instance or a whole deployment merged by
 * time. Lines come from the entrypoints connected here (this replica's log window); from the platform's own log
 * when no entrypoint is connected.
 */
export async function* serveLogStream(
  ctx: ServerContext,
  runtime: EntrypointRuntime,
  req: GetLogStreamRequest,
  signal: AbortSignal,
): AsyncGenerator<GetLogStreamResponse> {
  const { logs, sessions } = runtime;
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
  const platform = deploymentPlatform(ctx);
  const native = nativeLogTargets(platform, sessions, deploymentId, req.instanceId);
  const chunks = native
    ? readNativeLogs((id, o) => platform.nativeLogs!(id, o), { ...request, instanceIds: native }, signal)
    : readLogs(logs, request, signal);
  for await (const chunk of chunks) yield toLogStreamResponse(chunk);
}
