// Several servers on one PostgreSQL: each registers itself (its API address, start, heartbeat and the schema it
// knows) so the others can tell when it died, and each deployment remembers the replica whose platform runs it
// (only that replica re-adopts it after a restart). SQLite has one server; its rows just name that one.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("replicas")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("api_url", "text", (c) => c.notNull())
    .addColumn("started_at", t.int, (c) => c.notNull())
    .addColumn("heartbeat_at", t.int, (c) => c.notNull())
    // The newest migration this replica knows, e.g. "015-replicas".
    .addColumn("schema_version", "text", (c) => c.notNull())
    // Set by a clean stop; a replica that died leaves it null and its heartbeat goes stale.
    .addColumn("stopped_at", t.int)
    // When another replica re-queued its jobs after it died (null while it lives).
    .addColumn("reaped_at", t.int)
    .execute();
  await db.schema
    .alterTable("deployments")
    .addColumn("replica_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  // Routers on every replica ask for the live deployments of all replicas: by status, never a scan of history.
  await db.schema
    .createIndex("deployments_status_replica")
    .on("deployments")
    .columns(["status", "replica_id"])
    .execute();
}
