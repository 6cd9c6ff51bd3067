import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { Database, PreviewTable } from "../store/schema.js";

export interface OpenPreviewInput {
  project: string;
  app: string;
  previewApp: string;
  number: number;
  forge: string;
  repository: string;
  branch: string;
  sha: string;
  title: string;
  expiresAt: number | null;
}

/** Records a PR's preview as building its head (a reopened PR takes its old row back). */
export async function openPreview(db: Kysely<Database>, input: OpenPreviewInput): Promise<PreviewTable> {
  const now = Date.now();
  const fields = {
    preview_app: input.previewApp,
    forge: input.forge,
    repository: input.repository,
    branch: input.branch,
    sha: input.sha,
    title: input.title,
    state: "building",
    reason: "",
    updated_at: now,
    expires_at: input.expiresAt,
    closed_at: null,
  };
  const existing = await findPreview(db, input.project, input.app, input.number);
  if (existing) {
    // A reopened PR starts again from its open time; a push keeps it.
    const opened_at = existing.state === "closed" ? now : existing.opened_at;
    await db
      .updateTable("previews")
      .set((eb) => ({ ...fields, opened_at, generation: eb("generation", "+", 1) }))
      .where("id", "=", existing.id)
      .execute();
    return (await getPreviewById(db, existing.id))!;
  }
  const row: PreviewTable = {
    id: ulid(now),
    project: input.project,
    app: input.app,
    number: input.number,
    deployment_id: "",
    generation: 1,
    opened_at: now,
    ...fields,
  };
  await db.insertInto("previews").values(row).execute();
  return row;
}

export function findPreview(db: Kysely<Database>, project: string, app: string, number: number) {
  return db
    .selectFrom("previews")
    .selectAll()
    .where("project", "=", project)
    .where("app", "=", app)
    .where("number", "=", number)
    .executeTakeFirst();
}

export function getPreviewById(db: Kysely<Database>, id: string) {
  return db.selectFrom("previews").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Moves a preview on, unless it was closed, reopened or pushed to meanwhile; false then. */
export async function advancePreview(
  db: Kysely<Database>,
  id: string,
  generation: number,
  set: Partial<Pick<PreviewTable, "state" | "reason" | "deployment_id">>,
): Promise<boolean> {
  const res = await db
    .updateTable("previews")
    .set({ ...set, updated_at: Date.now() })
    .where("id", "=", id)
    .where("generation", "=", generation)
    .where("state", "!=", "closed")
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Marks a preview closed with why; false when it already was. */
export async function markPreviewClosed(db: Kysely<Database>, id: string, reason: string): Promise<boolean> {
  const now = Date.now();
  const res = await db
    .updateTable("previews")
    .set({ state: "closed", reason, closed_at: now, updated_at: now })
    .where("id", "=", id)
    .where("state", "!=", "closed")
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** A project's previews (of one app, or all), open ones first, newest first; closed ones only when asked. */
export function listPreviews(
  db: Kysely<Database>,
  project: string,
  options: { app?: string; includeClosed?: boolean } = {},
) {
  return db
    .selectFrom("previews")
    .selectAll()
    .where("project", "=", project)
    .$if(!!options.app, (q) => q.where("app", "=", options.app!))
    .$if(!options.includeClosed, (q) => q.where("state", "!=", "closed"))
    .orderBy("number", "desc")
    .limit(500)
    .execute();
}
