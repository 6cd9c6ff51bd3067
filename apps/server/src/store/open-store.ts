import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, type Migration, Migrator, SqliteDialect } from "kysely";
import * as initial from "./migrations/001-initial.js";
import * as gitCommits from "./migrations/002-git-commits.js";
import * as tokenParents from "./migrations/003-token-parents.js";
import * as lifecycleLog from "./migrations/004-lifecycle-log.js";
import * as deploymentNotes from "./migrations/005-deployment-notes.js";
import type { Database } from "./schema.js";

/** Migrations in order; a new one is a new file added here, never an edit of an old one. */
const migrations: Record<string, Migration> = {
  "001-initial": initial,
  "002-git-commits": gitCommits,
  "003-token-parents": tokenParents,
  "004-lifecycle-log": lifecycleLog,
  "005-deployment-notes": deploymentNotes,
};

export interface StoreOptions {
  /** Path of the SQLite file, or ":memory:". */
  path: string;
}

export interface Store {
  db: Kysely<Database>;
  /** The raw connection, for synchronous transactions where a write must be atomic with a read. */
  sqlite: SqliteDatabase.Database;
  close(): Promise<void>;
}

/** Opens (and migrates) the embedded SQLite store. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  sqlite.pragma("journal_mode = WAL");
  // FULL, not NORMAL: NORMAL may roll back a committed release on power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(`migrating ${options.path} failed`, { cause: error });
  }
  return { db, sqlite, close: () => db.destroy() };
}
