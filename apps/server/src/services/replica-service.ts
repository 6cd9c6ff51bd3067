import {
  ForwardExecStreamResponseSchema,
  ForwardLogStreamResponseSchema,
  ReplicaSchema,
  type ReplicaService,
  type StartExecStreamRequest,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { entrypointRuntime } from "../entrypoint/entrypoint-runtime.js";
import { startExec } from "../exec/start-exec.js";
import { deploymentPlatform } from "../lifecycle/engine.js";
import { serveLogStream } from "../logs/serve-log-stream.js";
import { listReplicas } from "../replicas/replica-registry.js";
import { replicaTimingOf } from "../replicas/replica-timing.js";
import type { ServerContext } from "../server-context.js";
import { connectTimeoutMs } from "./exec-service.js";

/**
 * berth.v1.ReplicaService: the server replicas sharing this store, alive or dead; and, for the other replicas
 * only (replica tokens), the log streams and execs of the entrypoints this replica holds.
 */
export function createReplicaService(ctx: ServerContext): ServiceImpl<typeof ReplicaService> {
  return {
    async listReplicas(_req, hctx) {
      const timing = replicaTimingOf(ctx.options);
      const rows = await listReplicas(ctx.store.db, Date.now(), timing);
      hctx.signal.throwIfAborted();
      return {
        heartbeatMs: timing.heartbeatMs,
        missedBeats: timing.missedBeats,
        replicas: rows.map((r) =>
          create(ReplicaSchema, {
            id: r.id,
            apiUrl: r.api_url,
            // The replica answering is alive, whatever its row says (a SQLite server writes no heartbeat).
            alive: r.alive || r.id === ctx.replicaId,
            startedAt: timestampFromMs(r.started_at),
            heartbeatAt: timestampFromMs(r.heartbeat_at),
            schemaVersion: r.schema_version,
            stoppedAt: r.stopped_at === null ? undefined : timestampFromMs(r.stopped_at),
            current: r.id === ctx.replicaId,
          }),
        ),
      };
    },
    async *forwardLogStream(req, hctx) {
      if (!req.request) throw new ConnectError("request is required", Code.InvalidArgument);
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      // Served from this replica's own window, never forwarded again.
      for await (const response of serveLogStream(ctx, entrypointRuntime(ctx), req.request, signal))
        yield create(ForwardLogStreamResponseSchema, { response });
    },
    async *forwardExecStream(requests, hctx) {
      const { sessions, execs } = entrypointRuntime(ctx);
      async function* unwrapped(): AsyncGenerator<StartExecStreamRequest> {
        for await (const m of requests) if (m.request) yield m.request;
      }
      const relay = startExec(
        {
          ctx,
          sessions,
          relay: execs,
          platform: deploymentPlatform(ctx),
          connectTimeoutMs: connectTimeoutMs(),
          forwarded: true,
        },
        unwrapped(),
        hctx,
      );
      for await (const response of relay) yield create(ForwardExecStreamResponseSchema, { response });
    },
  };
}
