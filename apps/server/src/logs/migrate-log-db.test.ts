import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLogPersistence } from "./log-persistence.js";
import { migrateLogDb } from "./migrate-log-db.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "berth-log-migrations-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("migrateLogDb", () => {
  it("adopts a logs.db written before it was versioned, keeping its lines", () => {
    const path = join(dir, "logs.db");
    const old = new SqliteDatabase(path);
    // The schema servers created with CREATE TABLE IF NOT EXISTS before logs.db had migrations.
    old.exec(`
      CREATE TABLE log_instances (instance_id TEXT PRIMARY KEY, deployment_id TEXT NOT NULL,
        last_seq INTEGER NOT NULL, last_client_seq TEXT NOT NULL, dropped INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE log_lines (instance_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL,
        stream INTEGER NOT NULL, data BLOB NOT NULL);
      INSERT INTO log_instances VALUES ('i1', 'd1', 1, '7', 0);
      INSERT INTO log_lines VALUES ('i1', 1, 1000, 1, X'6869');
    `);
    old.close();
    const disk = openLogPersistence({ path, maxBytes: 1e6, maxLinesPerInstance: 100 });
    expect(disk.load("i1", 10).map((l) => Buffer.from(l.data).toString())).toEqual(["hi"]);
    expect(disk.instance("i1")).toMatchObject({ lastSeq: 1, lastClientSeq: 7n, droppedPending: 0 });
    expect(disk.bytes).toBe(2 + 40);
    disk.close();
    const db = new SqliteDatabase(path);
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    db.close();
  });

  it("refuses a logs.db from a newer server", () => {
    const db = new SqliteDatabase(join(dir, "logs.db"));
    db.pragma("user_version = 99");
    expect(() => migrateLogDb(db)).toThrow(/logs\.db is at version 99, newer than this server knows/);
    db.close();
  });
});
