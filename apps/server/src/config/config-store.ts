// Config variables per scope (project, or one app), versioned by one revision counter per project.

import { Code, ConnectError } from "@connectrpc/connect";
import { type Kysely, sql } from "kysely";
import { appendLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ConfigRevisionTable, ConfigVarTable, Database } from "../store/schema.js";
import { dialectOf } from "../store/store-dialect.js";
import { applyVarChanges, diffVars, type StoredVar, type VarChange, varsByName } from "./config-diff.js";

/** Who changed the config (a token's id and name). */
export interface ConfigActor {
  tokenId: string;
  name: string;
}

export interface SetConfigInput {
  project: string;
  /** "" for project scope. */
  app: string;
  set: StoredVar[];
  unset: string[];
  actor: ConfigActor;
  /** Set when the change restores an older revision. */
  restoredFrom?: number;
  now?: number;
}

/** A recorded revision (undefined when the request changed nothing) and what it changed. */
export interface SetConfigResult {
  revision: ConfigRevisionTable | undefined;
  changes: VarChange[];
}

/** The variables set in one scope now, by name. */
export async function scopeVarRows(
  db: Kysely<Database>,
  project: string,
  app: string,
): Promise<ConfigVarTable[]> {
  return db
    .selectFrom("config_vars")
    .selectAll()
    .where("project", "=", project)
    .where("app", "=", app)
    .orderBy("name")
    .execute();
}

/** The project's latest config revision number (0 before the first change). */
export async function latestConfigRevision(db: Kysely<Database>, project: string): Promise<number> {
  const row = await db
    .selectFrom("config_revisions")
    .select((eb) => eb.fn.max("revision").as("revision"))
    .where("project", "=", project)
    .executeTakeFirst();
  return Number(row?.revision ?? 0);
}

/** A config_vars row as a snapshot entry. */
export function storedVarOf(r: ConfigVarTable): StoredVar {
  return { name: r.name, value: r.value, secret: r.secret === 1 };
}

/**
 * Sets and unsets variables of one scope as one new revision of the project, atomically. Unsetting a variable
 * that is not set is NotFound; a request that changes nothing records no revision.
 */
export async function setConfigVars(db: Kysely<Database>, input: SetConfigInput): Promise<SetConfigResult> {
  const scope = input.app === "" ? "project" : "app";
  const where = input.app === "" ? `project "${input.project}"` : `app "${input.project}/${input.app}"`;
  return db.transaction().execute(async (trx) => {
    // Revisions are MAX + 1 per project. SQLite has one writer; on PostgreSQL two changes at once (two servers)
    // take turns on a lock for the project, held until commit (the project may have no row to lock).
    if (dialectOf(trx) === "postgres")
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`berth.config:${input.project}`}))`.execute(trx);
    const current = (await scopeVarRows(trx, input.project, input.app)).map(storedVarOf);
    const known = new Set(current.map((v) => v.name));
    const missing = input.unset.filter((name) => !known.has(name));
    if (missing.length > 0 && input.restoredFrom === undefined) {
      throw new ConnectError(`config var "${missing[0]}" is not set in ${where}`, Code.NotFound);
    }
    const next = applyVarChanges(current, input.set, input.unset);
    const changes = diffVars(varsByName(current, scope), varsByName(next, scope));
    if (changes.length === 0) return { revision: undefined, changes };

    const now = input.now ?? Date.now();
    const revision = (await latestConfigRevision(trx, input.project)) + 1;
    const row: ConfigRevisionTable = {
      project: input.project,
      revision,
      app: input.app,
      actor_token_id: input.actor.tokenId,
      actor_name: input.actor.name,
      created_at: now,
      changes_json: JSON.stringify(changes),
      snapshot_json: JSON.stringify(next),
      restored_from: input.restoredFrom ?? null,
    };
    await trx.insertInto("config_revisions").values(row).execute();
    const appRow = input.app
      ? await trx
          .selectFrom("applications")
          .select("id")
          .where("project", "=", input.project)
          .where("name", "=", input.app)
          .executeTakeFirst()
      : undefined;
    await appendLifecycleEvent(trx, {
      kind: "config.applied",
      project: input.project,
      appId: appRow?.id ?? null,
      time: now,
      actor: input.actor,
      configRevision: revision,
      // As in changes_json: diffVars leaves secrets' values blank.
      details: { changes, restoredFrom: row.restored_from },
    });

    const removed = changes.filter((c) => c.change === "removed").map((c) => c.name);
    if (removed.length > 0) {
      await trx
        .deleteFrom("config_vars")
        .where("project", "=", input.project)
        .where("app", "=", input.app)
        .where("name", "in", removed)
        .execute();
    }
    const byName = new Map(next.map((v) => [v.name, v]));
    for (const c of changes) {
      const v = byName.get(c.name);
      if (!v) continue;
      const values = { value: v.value, secret: v.secret ? 1 : 0, revision, updated_at: now };
      await trx
        .insertInto("config_vars")
        .values({ project: input.project, app: input.app, name: v.name, ...values })
        .onConflict((oc) => oc.columns(["project", "app", "name"]).doUpdateSet(values))
        .execute();
    }
    return { revision: row, changes };
  });
}

/** One revision of a project, or NotFound. */
export async function getConfigRevision(
  db: Kysely<Database>,
  project: string,
  revision: number,
): Promise<ConfigRevisionTable> {
  const row = await db
    .selectFrom("config_revisions")
    .selectAll()
    .where("project", "=", project)
    .where("revision", "=", revision)
    .executeTakeFirst();
  if (!row)
    throw new ConnectError(`config revision ${revision} of project "${project}" not found`, Code.NotFound);
  return row;
}

/**
 * Brings back the variables a scope had at `revision`, as a new revision. The revision must have changed the
 * same scope (its snapshot holds only that scope).
 */
export async function restoreConfigRevision(
  db: Kysely<Database>,
  input: { project: string; app: string; revision: number; actor: ConfigActor; now?: number },
): Promise<SetConfigResult> {
  const old = await getConfigRevision(db, input.project, input.revision);
  if (old.app !== input.app) {
    const had = old.app === "" ? "project scope" : `app "${old.app}"`;
    const asked = input.app === "" ? "project scope" : `app "${input.app}"`;
    throw new ConnectError(
      `config revision ${input.revision} changed ${had}, not ${asked}; restore it with ${old.app === "" ? "no app" : `app "${old.app}"`}`,
      Code.FailedPrecondition,
    );
  }
  const snapshot = parseSnapshot(old.snapshot_json);
  const current = await scopeVarRows(db, input.project, input.app);
  const keep = new Set(snapshot.map((v) => v.name));
  return setConfigVars(db, {
    project: input.project,
    app: input.app,
    set: snapshot,
    unset: current.map((r) => r.name).filter((n) => !keep.has(n)),
    actor: input.actor,
    restoredFrom: input.revision,
    now: input.now,
  });
}

/** snapshot_json of a revision. */
export function parseSnapshot(json: string): StoredVar[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.map((v: StoredVar) => ({ name: String(v.name), value: String(v.value), secret: !!v.secret }));
}
