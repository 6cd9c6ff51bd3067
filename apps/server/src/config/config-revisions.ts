// Reading config history: revision listings, a scope's variables as of a revision, diffs between revisions.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { ConfigRevisionTable, Database } from "../store/schema.js";
import { diffVars, overlayVars, type StoredVar, type VarChange } from "./config-diff.js";
import { latestConfigRevision, parseSnapshot } from "./config-store.js";

/**
 * A page of a project's revisions, newest first. With an app: the project-scope revisions and that app's
 * (everything that changed its effective config); without: every revision of the project.
 */
export async function listConfigRevisionRows(
  db: Kysely<Database>,
  q: { project: string; app: string; beforeRevision?: number; pageSize: number },
): Promise<ConfigRevisionTable[]> {
  let query = db.selectFrom("config_revisions").selectAll().where("project", "=", q.project);
  if (q.app !== "") query = query.where("app", "in", ["", q.app]);
  if (q.beforeRevision !== undefined) query = query.where("revision", "<", q.beforeRevision);
  return query
    .orderBy("revision", "desc")
    .limit(q.pageSize + 1)
    .execute();
}

/** The variables one scope held right after `revision` (the snapshot of its latest revision at or before it). */
export async function scopeVarsAt(
  db: Kysely<Database>,
  project: string,
  app: string,
  revision: number,
): Promise<StoredVar[]> {
  const row = await db
    .selectFrom("config_revisions")
    .select("snapshot_json")
    .where("project", "=", project)
    .where("app", "=", app)
    .where("revision", "<=", revision)
    .orderBy("revision", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? parseSnapshot(row.snapshot_json) : [];
}

/**
 * What changed in an app's effective config between two revisions of its project. `to` 0 means the latest;
 * `from` 0 means the revision just before `to` (so by default: what the latest revision changed).
 */
export async function diffConfigRevisions(
  db: Kysely<Database>,
  q: { project: string; app: string; from: number; to: number },
): Promise<VarChange[]> {
  const latest = await latestConfigRevision(db, q.project);
  const to = q.to === 0 ? latest : q.to;
  const from = q.from === 0 ? Math.max(0, to - 1) : q.from;
  for (const [field, rev] of [
    ["to_revision", to],
    ["from_revision", from],
  ] as const) {
    if (rev > latest) {
      throw new ConnectError(
        `${field} ${rev} does not exist: project "${q.project}" is at config revision ${latest}`,
        Code.InvalidArgument,
      );
    }
  }
  const effectiveAt = async (rev: number) =>
    overlayVars(await scopeVarsAt(db, q.project, "", rev), await scopeVarsAt(db, q.project, q.app, rev));
  return diffVars(await effectiveAt(from), await effectiveAt(to));
}
