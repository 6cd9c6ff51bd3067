import { sql } from "kysely";
import type { PostgresStore } from "../store/store.js";
import { replicaApplicationName } from "./replica-id.js";

/**
 * Ends the PostgreSQL sessions of a dead replica. A killed process's backend may sit in a lock wait for a long
 * time before it notices its client is gone, holding row and advisory locks (an app's release lock): its jobs,
 * re-queued here, would run into them. Same role as ours, so no superuser is needed.
 */
export async function endDeadSessions(store: PostgresStore, replicaId: string): Promise<number> {
  const { rows } = await sql<{ ended: boolean }>`
    SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity
    WHERE datname = current_database() AND application_name = ${replicaApplicationName(replicaId)}`.execute(
    store.db,
  );
  return rows.filter((r) => r.ended).length;
}
