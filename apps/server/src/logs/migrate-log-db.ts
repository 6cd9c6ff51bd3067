import type SqliteDatabase from "better-sqlite3";
import * as logTables from "./migrations/001-log-tables.js";
import * as droppedMarkers from "./migrations/002-dropped-markers.js";

interface LogMigration {
  up(db: SqliteDatabase.Database): void;
}

/** logs.db's migrations in order; a new one is a new file added here, never an edit of an old one. */
const migrations: [name: string, migration: LogMigration][] = [
  ["001-log-tables", logTables],
  ["002-dropped-markers", droppedMarkers],
];

/**
 * Brings logs.db to the latest version. Synchronous (the log store opens synchronously), so the version is
 * SQLite's `user_version` rather than Kysely's migration table; each step commits with its version number.
 */
export function migrateLogDb(db: SqliteDatabase.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `logs.db is at version ${current}, newer than this server knows (${migrations.length}): run a newer server`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    const [name, migration] = migrations[v]!;
    try {
      db.transaction(() => {
        migration.up(db);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } catch (err) {
      throw new Error(`migrating logs.db (${name}) failed`, { cause: err });
    }
  }
}
