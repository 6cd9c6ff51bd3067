// An instance records the engine's own id of it (container id, pod name, allocation id): the API shows where it
// runs, and a restarted server finds it again. Empty for a process on the server's host.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("instances")
    .addColumn("native_id", "text", (c) => c.notNull().defaultTo(""))
    .execute();
}
