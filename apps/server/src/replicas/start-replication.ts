import { urlOptionsOf } from "../catalog/urls.js";
import type { EventPointer } from "../events/event-pointer.js";
import type { ReplicatedEventBus } from "../events/replicated-event-bus.js";
import { resolvePointer } from "../events/resolve-pointer.js";
import type { Engine } from "../lifecycle/engine.js";
import { builtinRunnerId } from "../runners/builtin-runner.js";
import type { ServerContext } from "../server-context.js";
import { knownSchemaVersion } from "../store/migrate-store.js";
import { endDeadSessions } from "./end-dead-sessions.js";
import { startEventRelay } from "./event-relay.js";
import { startReplicaHeartbeat } from "./replica-heartbeat.js";
import { replicaApplicationName } from "./replica-id.js";
import { registerReplica } from "./replica-registry.js";
import { replicaTimingOf } from "./replica-timing.js";

/**
 * This server as one replica among others on a PostgreSQL store: its heartbeat (reaping dead replicas: their
 * built-in runner's jobs go back to the queue), and the other replicas' events, read back from the store and
 * published on this replica's bus (watchers, the route feed, config push, the runner hub). A SQLite server is
 * the only replica of its store: no heartbeat (no other replica would read it), just its row, stopped on close.
 */
export async function startReplication(ctx: ServerContext, engine: Engine): Promise<void> {
  const { db } = ctx.store;
  // Before the built-in runner claims anything: a replica that dies once it took a job has a row to go stale.
  await registerReplica(
    db,
    { id: ctx.replicaId, api_url: ctx.apiUrl, schema_version: knownSchemaVersion() },
    Date.now(),
  );
  if (ctx.store.dialect !== "postgres" || !ctx.options.store) {
    ctx.onClose(async () => {
      await db
        .updateTable("replicas")
        .set({ stopped_at: Date.now() })
        .where("id", "=", ctx.replicaId)
        .execute();
    });
    return;
  }
  const timing = replicaTimingOf(ctx.options);
  const heartbeat = startReplicaHeartbeat({
    db,
    id: ctx.replicaId,
    timing,
    async onDead(dead) {
      // Its open transactions first: their locks would stall the jobs it ran once they run elsewhere.
      if (ctx.store.dialect === "postgres") await endDeadSessions(ctx.store, dead);
      const silentMs = timing.heartbeatMs * timing.missedBeats;
      const jobs = await engine.queue.requeue(
        builtinRunnerId(dead),
        `re-queued: server replica ${dead} stopped responding (no heartbeat for ${silentMs / 1000}s) while running this job`,
      );
      ctx.logger.warn(
        { replica: dead, jobs: jobs.length },
        "a replica died; re-queued the jobs it was running",
      );
    },
    onError: (err) => ctx.logger.warn({ err }, "replica heartbeat"),
  });
  ctx.onClose(() => heartbeat.stop());

  const bus = ctx.events as ReplicatedEventBus;
  // Pointers are resolved one at a time, in arrival order: a release never overtakes the deployment it serves.
  let chain: Promise<void> = Promise.resolve();
  const receive = (pointer: EventPointer) => {
    if (pointer.o === ctx.replicaId) return;
    chain = chain
      .then(async () => {
        const event = await resolvePointer(ctx.store, urlOptionsOf(ctx), pointer);
        if (event) bus.publishLocal(event);
        // A job queued (or re-queued) elsewhere may be one this replica's runners can take.
        if (pointer.k === "job") engine.hub.dispatch();
      })
      .catch((err: unknown) => ctx.logger.warn({ err, pointer }, "reading another replica's event failed"));
  };
  const relay = await startEventRelay({
    url: ctx.options.store,
    applicationName: replicaApplicationName(ctx.replicaId),
    onPointer: receive,
    onResync: () => {
      engine.routes.changed();
      engine.hub.dispatch();
    },
    onError: (err) => ctx.logger.warn({ err }, "listening to other replicas' events"),
  });
  ctx.onClose(async () => {
    await relay.close();
    await chain;
  });
}
