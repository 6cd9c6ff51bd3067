// Preview deployments: one row per pull/merge request of an app that has a preview { … } block. The preview
// itself is an ordinary app named "<app>--pr-<N>" (its builds, deployments and releases are those of any app);
// this row says which PR it follows, which commit it last shipped, when it expires and whether it is closed.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("previews")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("project", "text", (c) => c.notNull())
    // The app the PR previews ("web") and the preview app that serves it ("web--pr-7").
    .addColumn("app", "text", (c) => c.notNull())
    .addColumn("preview_app", "text", (c) => c.notNull())
    .addColumn("number", t.int, (c) => c.notNull())
    // "github" | "gitlab" | "gitea"
    .addColumn("forge", "text", (c) => c.notNull())
    .addColumn("repository", "text", (c) => c.notNull())
    .addColumn("branch", "text", (c) => c.notNull())
    .addColumn("sha", "text", (c) => c.notNull())
    // Goes up with every open, reopen and push: a build chain still running for an older one stops.
    .addColumn("generation", t.int, (c) => c.notNull().defaultTo(1))
    .addColumn("title", "text", (c) => c.notNull().defaultTo(""))
    // "building" | "ready" | "failed" | "closed"
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull().defaultTo(""))
    // The deployment last released in the preview ("" until one is).
    .addColumn("deployment_id", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("opened_at", t.int, (c) => c.notNull())
    .addColumn("updated_at", t.int, (c) => c.notNull())
    // null: no expire_after; the sweeper closes a preview whose time has come.
    .addColumn("expires_at", t.int)
    .addColumn("closed_at", t.int)
    .execute();
  // One row per PR of an app: a reopened PR takes its old row back.
  await db.schema
    .createIndex("previews_pr")
    .on("previews")
    .columns(["project", "app", "number"])
    .unique()
    .execute();
  await db.schema.createIndex("previews_open").on("previews").columns(["state", "expires_at"]).execute();
}
