// Progressive releases: one row per rollout of a deployment (its steps, where it stands, how it ended). The traffic
// split of each step is an ordinary release; this row is what advances it. At most one rollout per app runs.
import { type Kysely, sql } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const { int } = columnTypes(db);
  await db.schema
    .createTable("rollouts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("baseline_deployment_id", "text", (c) => c.notNull())
    .addColumn("canary_deployment_id", "text", (c) => c.notNull())
    .addColumn("steps_json", "text", (c) => c.notNull())
    .addColumn("step", "integer", (c) => c.notNull())
    .addColumn("interval_ms", int, (c) => c.notNull())
    // Null: manual, or ended.
    .addColumn("next_step_at", int)
    .addColumn("auto_abort_json", "text", (c) => c.notNull().defaultTo("{}"))
    // The release of the current step: another release of the app means someone else took over the split.
    .addColumn("release_id", "text", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("end_reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", int, (c) => c.notNull())
    .addColumn("updated_at", int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("rollouts_app_created")
    .on("rollouts")
    .columns(["app_id", "created_at"])
    .execute();
  // The database, not only the server, keeps it to one running rollout per app (two replicas racing included).
  await db.schema
    .createIndex("rollouts_one_running")
    .on("rollouts")
    .column("app_id")
    .unique()
    .where(sql.ref("state"), "=", "running")
    .execute();
}
