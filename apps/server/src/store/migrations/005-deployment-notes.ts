// A deployment can be pinned ("known good") and carry a free-text note, shown in its history.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("deployments")
    .addColumn("pinned", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("deployments")
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .execute();
}
