import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** An instance as a route needs it, from its stored row (written by the platform of whichever replica runs it). */
export interface StoredInstance {
  id: string;
  state: string;
  health: string;
  port: number;
  host?: string;
}

/**
 * The live deployments other replicas' platforms run (by the status/replica index, never a history scan).
 * Deployments that name no replica (made before replicas existed) are every replica's own: each re-adopts them.
 */
export async function otherReplicasDeployments(db: Kysely<Database>, self: string): Promise<string[]> {
  const rows = await db
    .selectFrom("deployments")
    .select("id")
    .where("status", "in", ["deploying", "healthy", "unhealthy"])
    .where("replica_id", "not in", ["", self])
    .execute();
  return rows.map((r) => r.id);
}

/** The stored instances of these deployments, by deployment id. */
export async function storedInstances(
  db: Kysely<Database>,
  deploymentIds: string[],
): Promise<Map<string, StoredInstance[]>> {
  const byDeployment = new Map<string, StoredInstance[]>();
  if (deploymentIds.length === 0) return byDeployment;
  const rows = await db
    .selectFrom("instances")
    .select(["id", "deployment_id", "state", "health", "port"])
    .where("deployment_id", "in", deploymentIds)
    .orderBy("idx")
    .execute();
  for (const r of rows) {
    const list = byDeployment.get(r.deployment_id) ?? [];
    list.push({ id: r.id, state: r.state, health: r.health, port: r.port });
    byDeployment.set(r.deployment_id, list);
  }
  return byDeployment;
}
