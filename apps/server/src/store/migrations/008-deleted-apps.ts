// `berth apps delete` / `berth projects delete` mark rows deleted instead of removing them: the audit trail and
// the lifecycle history of a deleted app stay readable. A later `berth up` of the same name revives the row.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable("applications").addColumn("deleted_at", t.int).execute();
  await db.schema.alterTable("projects").addColumn("deleted_at", t.int).execute();
}
