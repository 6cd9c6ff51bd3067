import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** An instance whose entrypoint another replica holds (or held last), and where that replica answers. */
export interface EntrypointHolder {
  instanceId: string;
  replicaId: string;
  apiUrl: string;
  /** The entrypoint's session is open there now (else it is reconnecting; its log window is still there). */
  connected: boolean;
}

/** Records that this replica now holds an instance's entrypoint connection (a newer session replaces any row). */
export async function recordEntrypointConnected(
  db: Kysely<Database>,
  row: { instanceId: string; deploymentId: string; replicaId: string; connectionId: string },
): Promise<void> {
  const values = {
    instance_id: row.instanceId,
    deployment_id: row.deploymentId,
    replica_id: row.replicaId,
    connection_id: row.connectionId,
    connected: 1,
    changed_at: Date.now(),
  };
  await db
    .insertInto("entrypoint_connections")
    .values(values)
    .onConflict((oc) => oc.column("instance_id").doUpdateSet(values))
    .execute();
}

/** Marks a session ended, unless a newer one (on any replica) took the instance over meanwhile. */
export async function recordEntrypointDisconnected(
  db: Kysely<Database>,
  instanceId: string,
  connectionId: string,
): Promise<void> {
  await db
    .updateTable("entrypoint_connections")
    .set({ connected: 0, changed_at: Date.now() })
    .where("instance_id", "=", instanceId)
    .where("connection_id", "=", connectionId)
    .execute();
}

/**
 * The replicas other than `self` holding the entrypoints of one instance or of a deployment's instances. Those
 * that stopped, or that a live replica found dead (reaped), are left out: nothing can be forwarded to them. A late
 * heartbeat alone does not count (a busy replica still answers; one that is really gone refuses the call at once).
 */
export async function remoteEntrypointHolders(
  db: Kysely<Database>,
  target: { instanceId?: string; deploymentId?: string },
  self: string,
): Promise<EntrypointHolder[]> {
  let query = db
    .selectFrom("entrypoint_connections as c")
    .innerJoin("replicas as r", "r.id", "c.replica_id")
    .select(["c.instance_id", "c.replica_id", "c.connected", "r.api_url"])
    .where("c.replica_id", "!=", self)
    .where("r.stopped_at", "is", null)
    .where("r.reaped_at", "is", null);
  query = target.instanceId
    ? query.where("c.instance_id", "=", target.instanceId)
    : query.where("c.deployment_id", "=", target.deploymentId ?? "");
  const rows = await query.orderBy("c.instance_id").execute();
  return rows.map((r) => ({
    instanceId: r.instance_id,
    replicaId: r.replica_id,
    apiUrl: r.api_url,
    connected: r.connected === 1,
  }));
}
