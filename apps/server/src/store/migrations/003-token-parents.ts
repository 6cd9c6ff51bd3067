// Tokens derived from another (a dashboard session's token from the pasted one) record their parent, so
// revoking or expiring the parent ends them too.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tokens").addColumn("parent_id", "text").execute();
  await db.schema.createIndex("tokens_parent_id").on("tokens").column("parent_id").execute();
}
