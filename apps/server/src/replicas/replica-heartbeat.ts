import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { type ReplicaTiming, reapDeadReplicas } from "./replica-registry.js";

export interface ReplicaHeartbeatOptions {
  db: Kysely<Database>;
  id: string;
  timing: ReplicaTiming;
  /** A replica stopped beating: hand its work to the live ones (this replica reaped it; no other will). */
  onDead(replicaId: string): Promise<void>;
  onError(err: unknown): void;
}

/**
 * Beats every `heartbeatMs` and, on each beat, reaps replicas that missed `missedBeats` beats. stop() writes
 * `stopped_at`, so a clean stop is never mistaken for a death.
 */
export function startReplicaHeartbeat(options: ReplicaHeartbeatOptions): { stop(): Promise<void> } {
  const { db, id, timing } = options;
  let busy: Promise<void> | undefined;
  const beat = async () => {
    const now = Date.now();
    // reaped_at goes back to null: a replica that was only paused past the window can be reaped again later.
    await db
      .updateTable("replicas")
      .set({ heartbeat_at: now, reaped_at: null })
      .where("id", "=", id)
      .execute();
    for (const dead of await reapDeadReplicas(db, id, now, timing)) await options.onDead(dead);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = beat()
      .catch(options.onError)
      .finally(() => {
        busy = undefined;
      });
  }, timing.heartbeatMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await db.updateTable("replicas").set({ stopped_at: Date.now() }).where("id", "=", id).execute();
    },
  };
}
