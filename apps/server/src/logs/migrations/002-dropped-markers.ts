// Lines an entrypoint dropped (its buffer overflowed during an outage) are recorded on the first line stored
// after them, so a reader connecting later still learns of the gap at the right place. A drop reported with no
// line to carry it waits in dropped_pending.
import type SqliteDatabase from "better-sqlite3";

export function up(db: SqliteDatabase.Database): void {
  db.exec(`
    ALTER TABLE log_lines ADD COLUMN dropped_before INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE log_instances ADD COLUMN dropped_pending INTEGER NOT NULL DEFAULT 0;
  `);
}
