// Builds from a repository and inbound forge webhooks: what started each job, build and deployment (a webhook, a
// remote build by a user), each project's webhook secret, and every delivery a forge made (accepted, ignored
// with why, or rejected) — a delivery id seen before is a replay.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  // "" (a build of a working tree) | "remote" | "webhook"
  for (const table of ["jobs", "builds", "deployments"])
    await db.schema
      .alterTable(table)
      .addColumn("trigger", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  // Who the trigger was ("ada" for a remote build, "github webhook"): the history row says "remote by ada".
  for (const table of ["builds", "deployments"])
    await db.schema
      .alterTable(table)
      .addColumn("triggered_by", "text", (c) => c.notNull().defaultTo(""))
      .execute();

  await db.schema
    .createTable("webhook_secrets")
    .addColumn("project", "text", (c) => c.primaryKey())
    // Needed in clear: GitHub and Gitea sign with it (HMAC); never returned by the API after it is made.
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("actor_token_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_name", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    // "github" | "gitlab" | "gitea" | "" (not recognised)
    .addColumn("forge", "text", (c) => c.notNull().defaultTo(""))
    // The forge's delivery id (X-GitHub-Delivery, X-Gitlab-Event-UUID, X-Gitea-Delivery); "" when none came.
    .addColumn("delivery_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("event", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("repository", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("ref", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("sha", "text", (c) => c.notNull().defaultTo(""))
    // "accepted" | "ignored" | "rejected"
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("status_code", t.int, (c) => c.notNull())
    // Apps it started a build of, with the build job ids: [{ "app": "web", "jobId": "01…" }].
    .addColumn("builds_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("received_at", t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_project")
    .on("webhook_deliveries")
    .columns(["project", "id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_replay")
    .on("webhook_deliveries")
    .columns(["project", "forge", "delivery_id"])
    .execute();
}
