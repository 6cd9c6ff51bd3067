// The first schema: the catalog, the job queue, tokens and the audit trail.
import type { CreateTableBuilder, Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

const git = <T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  t: ReturnType<typeof columnTypes>,
) =>
  table
    .addColumn("git_sha", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("git_branch", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("git_author", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("git_message", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("git_commit_time", t.int)
    .addColumn("git_dirty", t.int, (c) => c.notNull().defaultTo(0));

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("projects")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("updated_at", t.int, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("applications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull().references("projects.name"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("labels_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("config_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("current_release_id", "text")
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("updated_at", t.int, (c) => c.notNull())
    .addUniqueConstraint("applications_project_name", ["project", "name"])
    .execute();

  await git(
    db.schema
      .createTable("builds")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app_id", "text", (c) => c.notNull().references("applications.id"))
      .addColumn("seq", t.int, (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull()),
    t,
  )
    .addColumn("builder", "text", (c) => c.notNull().defaultTo("archive"))
    .addColumn("artifact_digest", "text")
    .addColumn("artifact_size", t.int)
    .addColumn("job_id", "text")
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("finished_at", t.int)
    .addColumn("timings_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("builds_app_seq", ["app_id", "seq"])
    .execute();
  await db.schema.createIndex("builds_app_sha").on("builds").columns(["app_id", "git_sha"]).execute();
  await db.schema
    .createIndex("builds_app_branch")
    .on("builds")
    .columns(["app_id", "git_branch", "seq"])
    .execute();

  await db.schema
    .createTable("artifacts")
    .addColumn("digest", "text", (c) => c.primaryKey())
    .addColumn("size", t.int, (c) => c.notNull())
    .addColumn("created_at", t.int, (c) => c.notNull())
    .execute();

  await git(
    db.schema
      .createTable("deployments")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app_id", "text", (c) => c.notNull().references("applications.id"))
      .addColumn("seq", t.int, (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull()),
    t,
  )
    .addColumn("build_id", "text")
    .addColumn("artifact_digest", "text")
    .addColumn("artifact_size", t.int)
    .addColumn("platform", "text", (c) => c.notNull().defaultTo("process"))
    .addColumn("instance_count", t.int, (c) => c.notNull().defaultTo(1))
    .addColumn("spec_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("config_revision", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("job_id", "text")
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("finished_at", t.int)
    .addColumn("destroyed_at", t.int)
    .addColumn("timings_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("deployments_app_seq", ["app_id", "seq"])
    .execute();
  await db.schema
    .createIndex("deployments_app_sha")
    .on("deployments")
    .columns(["app_id", "git_sha"])
    .execute();
  await db.schema
    .createIndex("deployments_app_branch")
    .on("deployments")
    .columns(["app_id", "git_branch", "seq"])
    .execute();
  await db.schema
    .createIndex("deployments_app_status")
    .on("deployments")
    .columns(["app_id", "status", "seq"])
    .execute();

  await db.schema
    .createTable("instances")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id"))
    .addColumn("idx", t.int, (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("health", "text", (c) => c.notNull().defaultTo("unknown"))
    .addColumn("port", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("pid", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("restarts", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("started_at", t.int)
    .addColumn("config_revision", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("last_health_error", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("last_health_at", t.int)
    .execute();
  await db.schema
    .createIndex("instances_deployment")
    .on("instances")
    .columns(["deployment_id", "idx"])
    .execute();

  await db.schema
    .createTable("releases")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("applications.id"))
    .addColumn("seq", t.int, (c) => c.notNull())
    .addColumn("targets_json", "text", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("rollback_of", "text")
    .addColumn("forced", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addUniqueConstraint("releases_app_seq", ["app_id", "seq"])
    .execute();

  await db.schema
    .createTable("config_vars")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("app", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("secret", t.int, (c) => c.notNull().defaultTo(0))
    .addColumn("revision", t.int, (c) => c.notNull())
    .addColumn("updated_at", t.int, (c) => c.notNull())
    .addPrimaryKeyConstraint("config_vars_pk", ["project", "app", "name"])
    .execute();

  await db.schema
    .createTable("config_revisions")
    .addColumn("project", "text", (c) => c.notNull())
    .addColumn("revision", t.int, (c) => c.notNull())
    .addColumn("app", "text", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("changes_json", "text", (c) => c.notNull())
    .addColumn("snapshot_json", "text", (c) => c.notNull())
    .addColumn("restored_from", t.int)
    .addPrimaryKeyConstraint("config_revisions_pk", ["project", "revision"])
    .execute();

  await git(
    db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("project", "text", (c) => c.notNull())
      .addColumn("app", "text", (c) => c.notNull()),
    t,
  )
    .addColumn("target_runner_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("runner_id", "text")
    .addColumn("params_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("result_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("error", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("queued_at", t.int, (c) => c.notNull())
    .addColumn("started_at", t.int)
    .addColumn("finished_at", t.int)
    .addColumn("heartbeat_at", t.int)
    .execute();
  await db.schema.createIndex("jobs_state").on("jobs").columns(["state", "queued_at"]).execute();
  await db.schema.createIndex("jobs_app").on("jobs").columns(["project", "app", "queued_at"]).execute();

  await db.schema
    .createTable("job_events")
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("seq", t.int, (c) => c.notNull())
    .addColumn("time", t.int, (c) => c.notNull())
    .addColumn("event", t.blob, (c) => c.notNull())
    .addPrimaryKeyConstraint("job_events_pk", ["job_id", "seq"])
    .execute();

  await db.schema
    .createTable("runners")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("registered_at", t.int, (c) => c.notNull())
    .addColumn("last_seen_at", t.int, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("hash", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("deployment_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("expires_at", t.int)
    .addColumn("revoked_at", t.int)
    .execute();

  await db.schema
    .createTable("login_codes")
    .addColumn("hash", "text", (c) => c.primaryKey())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("expires_at", t.int, (c) => c.notNull())
    .addColumn("used_at", t.int)
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("time", t.int, (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("project", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("app", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("target", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("details_json", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema
    .createIndex("audit_events_scope")
    .on("audit_events")
    .columns(["project", "app", "time"])
    .execute();

  await db.schema
    .createTable("meta")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}
