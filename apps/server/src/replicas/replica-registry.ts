import type { Kysely } from "kysely";
import type { Database, ReplicaTable } from "../store/schema.js";

export interface ReplicaTiming {
  /** How often a replica writes its heartbeat. */
  heartbeatMs: number;
  /** Beats a replica may miss before the others call it dead. */
  missedBeats: number;
}

/** A replica as `berth replicas` and ListReplicas show it. */
export interface ReplicaState extends ReplicaTable {
  alive: boolean;
}

/** Whether a replica row is alive at `now`: not stopped, and its last heartbeat within the missed-beats window. */
export function replicaAlive(
  row: Pick<ReplicaTable, "stopped_at" | "heartbeat_at">,
  now: number,
  timing: ReplicaTiming,
): boolean {
  return row.stopped_at === null && row.heartbeat_at >= now - timing.heartbeatMs * timing.missedBeats;
}

/** Registers (or re-registers, after a restart) a replica: alive from now, its schema version recorded. */
export async function registerReplica(
  db: Kysely<Database>,
  row: Pick<ReplicaTable, "id" | "api_url" | "schema_version">,
  now: number,
): Promise<void> {
  const fresh = { ...row, started_at: now, heartbeat_at: now, stopped_at: null, reaped_at: null };
  await db
    .insertInto("replicas")
    .values(fresh)
    .onConflict((oc) => oc.column("id").doUpdateSet(fresh))
    .execute();
}

/** Every replica that ever ran on this database, newest start first, with whether it is alive. */
export async function listReplicas(
  db: Kysely<Database>,
  now: number,
  timing: ReplicaTiming,
): Promise<ReplicaState[]> {
  const rows = await db.selectFrom("replicas").selectAll().orderBy("started_at", "desc").execute();
  return rows.map((r) => ({ ...r, alive: replicaAlive(r, now, timing) }));
}

/**
 * Takes on the dead replicas nobody took on yet: each is marked reaped by exactly one live replica (the
 * UPDATE's condition makes two reapers at once impossible), which then hands its work to others.
 */
export async function reapDeadReplicas(
  db: Kysely<Database>,
  self: string,
  now: number,
  timing: ReplicaTiming,
): Promise<string[]> {
  const cutoff = now - timing.heartbeatMs * timing.missedBeats;
  const rows = await db
    .updateTable("replicas")
    .set({ reaped_at: now })
    .where("id", "!=", self)
    .where("stopped_at", "is", null)
    .where("reaped_at", "is", null)
    .where("heartbeat_at", "<", cutoff)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}
