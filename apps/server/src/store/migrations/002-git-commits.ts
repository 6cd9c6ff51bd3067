// First-parent commit history per project, as CLIs report it when they queue jobs; the server has no git
// repository, so this is what it walks to list the commits between two deployments.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("git_commits")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("sha", "text", (c) => c.notNull())
    .addColumn("parent_sha", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("author", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("subject", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("commit_time", t.int)
    .addPrimaryKeyConstraint("git_commits_pk", ["project", "sha"])
    .execute();
}
