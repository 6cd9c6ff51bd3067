import { ReplicaSchema, type ReplicaService } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { listReplicas } from "../replicas/replica-registry.js";
import { replicaTimingOf } from "../replicas/replica-timing.js";
import type { ServerContext } from "../server-context.js";

/** berth.v1.ReplicaService: the server replicas sharing this store, alive or dead. */
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
  };
}
