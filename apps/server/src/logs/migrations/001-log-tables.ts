// The tables logs.db had before it was versioned; IF NOT EXISTS adopts such a file as version 1 unchanged.
import type SqliteDatabase from "better-sqlite3";

export function up(db: SqliteDatabase.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS log_instances (
      instance_id TEXT PRIMARY KEY,
      deployment_id TEXT NOT NULL,
      last_seq INTEGER NOT NULL,
      last_client_seq TEXT NOT NULL,
      dropped INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS log_instances_deployment ON log_instances (deployment_id);
    CREATE TABLE IF NOT EXISTS log_lines (
      instance_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      time INTEGER NOT NULL,
      stream INTEGER NOT NULL,
      data BLOB NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS log_lines_instance_seq ON log_lines (instance_id, seq);
  `);
}
