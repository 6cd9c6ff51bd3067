import {
  type ExecStart,
  ForwardExecStreamRequestSchema,
  type StartExecStreamRequest,
  type StartExecStreamResponse,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import type { SessionRegistry } from "../entrypoint/session-registry.js";
import { type EntrypointHolder, remoteEntrypointHolders } from "../replicas/entrypoint-connections.js";
import type { ReplicaPeers } from "../replicas/replica-peers.js";
import type { ServerContext } from "../server-context.js";

/**
 * The other replica an exec should run through, or undefined to run it here: the live replica whose connected
 * entrypoint serves the instance asked for (for a whole deployment: one of its instances, when no entrypoint of
 * it is connected here). An entrypoint that is reconnecting is waited for here, as on one server.
 */
export async function remoteExecHolder(
  ctx: ServerContext,
  sessions: SessionRegistry,
  start: ExecStart,
): Promise<EntrypointHolder | undefined> {
  if (ctx.store.dialect !== "postgres") return undefined;
  const local = start.instanceId
    ? sessions.isConnected(start.instanceId)
    : sessions.list({ deploymentId: start.deploymentId }).length > 0;
  if (local) return undefined;
  const holders = await remoteEntrypointHolders(
    ctx.store.db,
    start.instanceId ? { instanceId: start.instanceId } : { deploymentId: start.deploymentId },
    ctx.replicaId,
  );
  return holders.find((h) => h.connected);
}

/**
 * Runs the exec on the holding replica (ForwardExecStream): the start (naming the instance picked), then the
 * client's stdin, resizes, close and signals go there; its started, output and exit come back unchanged.
 */
export async function* forwardExec(
  peers: ReplicaPeers,
  holder: EntrypointHolder,
  start: ExecStart,
  it: AsyncIterator<StartExecStreamRequest>,
  signal: AbortSignal,
): AsyncGenerator<StartExecStreamResponse> {
  async function* requests() {
    yield create(ForwardExecStreamRequestSchema, {
      request: { msg: { case: "start", value: { ...start, instanceId: holder.instanceId } } },
    });
    for await (const m of { [Symbol.asyncIterator]: () => it })
      yield create(ForwardExecStreamRequestSchema, { request: m });
  }
  for await (const r of peers.client(holder.apiUrl).forwardExecStream(requests(), { signal })) {
    if (r.response) yield r.response;
  }
}
