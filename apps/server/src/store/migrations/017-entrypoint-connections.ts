// Several replicas: an instance's entrypoint is connected to one of them, which holds its live log window and runs
// its exec sessions. Each replica records here the instances whose entrypoint it holds (or held last: the lines it
// received stay in its window while the entrypoint reconnects), so the others know where to forward a log follow
// or an exec. A row of its own rather than a column of `instances`: written on every (re)connect, apart from the
// rows the platforms write.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("entrypoint_connections")
    .addColumn("instance_id", "text", (c) => c.primaryKey())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("replica_id", "text", (c) => c.notNull())
    // The session's own id: a disconnect clears `connected` only if no newer session took over meanwhile.
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("connected", t.int, (c) => c.notNull())
    .addColumn("changed_at", t.int, (c) => c.notNull())
    .execute();
  // A deployment-wide log follow or exec asks for every instance of a deployment.
  await db.schema
    .createIndex("entrypoint_connections_deployment")
    .on("entrypoint_connections")
    .column("deployment_id")
    .execute();
}
