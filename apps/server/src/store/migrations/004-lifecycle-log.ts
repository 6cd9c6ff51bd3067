// The append-only lifecycle log and the live intervals derived from releases ("what was live at T" is one
// indexed lookup). Written with Kysely's schema builder and portable SQL only (no JSON functions, no
// dialect-specific upserts), then backfilled from the tables that existed before it.
import type { Kysely } from "kysely";
import { backfillLifecycleLog } from "./backfill-lifecycle-log.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("lifecycle_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    // Null for a project-scope config revision.
    .addColumn("app_id", "text")
    .addColumn("time", "bigint", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("git_sha", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("build_id", "text")
    .addColumn("deployment_id", "text")
    .addColumn("release_id", "text")
    .addColumn("job_id", "text")
    .addColumn("config_revision", "integer")
    .addColumn("details_json", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema
    .createIndex("lifecycle_events_app_time")
    .on("lifecycle_events")
    .columns(["app_id", "time"])
    .execute();
  await db.schema
    .createIndex("lifecycle_events_project_time")
    .on("lifecycle_events")
    .columns(["project", "time"])
    .execute();
  await db.schema
    .createIndex("lifecycle_events_deployment")
    .on("lifecycle_events")
    .column("deployment_id")
    .execute();
  await db.schema.createIndex("lifecycle_events_build").on("lifecycle_events").column("build_id").execute();
  await db.schema
    .createIndex("lifecycle_events_release")
    .on("lifecycle_events")
    .column("release_id")
    .execute();

  await db.schema
    .createTable("live_intervals")
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("release_id", "text", (c) => c.notNull())
    .addColumn("release_seq", "integer", (c) => c.notNull())
    .addColumn("deployment_id", "text", (c) => c.notNull())
    .addColumn("weight", "integer", (c) => c.notNull())
    .addColumn("from_time", "bigint", (c) => c.notNull())
    // Null while live.
    .addColumn("to_time", "bigint")
    .addPrimaryKeyConstraint("live_intervals_pk", ["release_id", "deployment_id"])
    .execute();
  // "Live at T": the latest release of the app at or before T, then its rows by the primary key.
  await db.schema
    .createIndex("live_intervals_app_from")
    .on("live_intervals")
    .columns(["app_id", "from_time", "release_seq"])
    .execute();
  await db.schema
    .createIndex("live_intervals_deployment")
    .on("live_intervals")
    .column("deployment_id")
    .execute();
  await db.schema
    .createIndex("live_intervals_open")
    .on("live_intervals")
    .columns(["app_id", "to_time"])
    .execute();
  await backfillLifecycleLog(db);
}
