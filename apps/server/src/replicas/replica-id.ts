import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ulid } from "ulid";

/**
 * This server's replica id, kept in its data dir: a restarted replica is the same replica (it re-adopts the
 * deployments its platform runs), while each data dir (each replica) has its own.
 */
export function loadReplicaId(dataDir: string): string {
  const file = join(dataDir, "replica-id");
  if (existsSync(file)) {
    const id = readFileSync(file, "utf8").trim();
    if (/^[0-9A-Za-z-]{1,64}$/.test(id)) return id;
    throw new Error(`${file}: not a replica id (${id.length} characters); remove it to get a new one`);
  }
  const id = ulid().toLowerCase();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** The application_name of a replica's PostgreSQL connections (pg_stat_activity shows whose they are). */
export function replicaApplicationName(replicaId: string): string {
  return `berth-replica-${replicaId}`;
}
