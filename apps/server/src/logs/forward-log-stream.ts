import type { GetLogStreamRequest, GetLogStreamResponse } from "@berth/proto";
import type { EntrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { type EntrypointHolder, remoteEntrypointHolders } from "../replicas/entrypoint-connections.js";
import type { ServerContext } from "../server-context.js";

/**
 * The other replica whose log window a GetLogStream should be read from, or undefined to serve it here: the
 * replica holding (or that last held) the instance's entrypoint; for a whole deployment, the one replica holding
 * its entrypoints when none is connected here. (A deployment whose entrypoints are spread over several replicas
 * is served here: its merged view would need a cursor per replica.)
 */
export async function remoteLogHolder(
  ctx: ServerContext,
  runtime: EntrypointRuntime,
  req: GetLogStreamRequest,
): Promise<EntrypointHolder | undefined> {
  if (ctx.store.dialect !== "postgres") return undefined;
  if (req.instanceId) {
    if (runtime.sessions.isConnected(req.instanceId)) return undefined;
    const [holder] = await remoteEntrypointHolders(
      ctx.store.db,
      { instanceId: req.instanceId },
      ctx.replicaId,
    );
    return holder;
  }
  if (!req.deploymentId || runtime.sessions.list({ deploymentId: req.deploymentId }).length > 0)
    return undefined;
  const holders = await remoteEntrypointHolders(
    ctx.store.db,
    { deploymentId: req.deploymentId },
    ctx.replicaId,
  );
  const replicas = new Set(holders.map((h) => h.replicaId));
  return replicas.size === 1 ? holders[0] : undefined;
}

/**
 * The log stream as the holding replica serves it: its responses (lines, skips, drops, cursors) pass through
 * unchanged, so a cursor from it resumes through any replica that forwards to it again.
 */
export async function* forwardLogStream(
  runtime: EntrypointRuntime,
  holder: EntrypointHolder,
  req: GetLogStreamRequest,
  signal: AbortSignal,
): AsyncGenerator<GetLogStreamResponse> {
  for await (const r of runtime.peers.client(holder.apiUrl).forwardLogStream({ request: req }, { signal })) {
    if (r.response) yield r.response;
  }
}
