import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { migrateStore } from "./migrate-store.js";
import type { Database } from "./schema.js";
import type { SqliteStore } from "./store.js";

/** Opens (and migrates) the embedded SQLite store at `path` (or ":memory:"). */
export async function openSqliteStore(path: string): Promise<SqliteStore> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma("journal_mode = WAL");
  // FULL, not NORMAL: NORMAL may roll back a committed release on power loss.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateStore(db, path);
  return { dialect: "sqlite", db, sqlite, name: path, close: () => db.destroy() };
}
