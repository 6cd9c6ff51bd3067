import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import type { StoredLine } from "./stored-line.js";

export interface LogPersistenceOptions {
  /** Path of logs.db (apart from the catalog: log churn must not slow catalog writes or backups). */
  path: string;
  /** Disk bound for line bytes; the oldest lines go first when it is passed. */
  maxBytes: number;
  /** Lines kept per instance on disk. */
  maxLinesPerInstance: number;
}

/** What the server remembers of an instance's logs across restarts. */
export interface InstanceLogState {
  instanceId: string;
  deploymentId: string;
  lastSeq: number;
  /** Highest entrypoint seq accepted (resent batches at or below it are dropped). */
  lastClientSeq: bigint;
  dropped: number;
}

export interface LogPersistence {
  /** Writes lines and the instance's new state in one transaction. */
  write(state: InstanceLogState, lines: StoredLine[]): void;
  /** The newest `limit` lines of an instance, oldest first. */
  load(instanceId: string, limit: number): StoredLine[];
  instance(instanceId: string): InstanceLogState | undefined;
  /** Instances with logs in a deployment. */
  instancesOf(deploymentId: string): string[];
  readonly bytes: number;
  close(): void;
}

/** Opens (creating if needed) the log database. */
export function openLogPersistence(options: LogPersistenceOptions): LogPersistence {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new SqliteDatabase(options.path);
  db.pragma("journal_mode = WAL");
  // NORMAL: a power cut may lose the last few batches, which is fine for logs and much cheaper.
  db.pragma("synchronous = NORMAL");
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
  const insertLine = db.prepare(
    "INSERT OR IGNORE INTO log_lines (instance_id, seq, time, stream, data) VALUES (?, ?, ?, ?, ?)",
  );
  const upsertInstance = db.prepare(`
    INSERT INTO log_instances (instance_id, deployment_id, last_seq, last_client_seq, dropped) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (instance_id) DO UPDATE SET last_seq = excluded.last_seq,
      last_client_seq = excluded.last_client_seq, dropped = excluded.dropped`);
  const selectTail = db.prepare(
    "SELECT instance_id, seq, time, stream, data FROM log_lines WHERE instance_id = ? ORDER BY seq DESC LIMIT ?",
  );
  const selectInstance = db.prepare("SELECT * FROM log_instances WHERE instance_id = ?");
  const selectInstancesOf = db.prepare("SELECT instance_id FROM log_instances WHERE deployment_id = ?");
  const trimInstance = db.prepare("DELETE FROM log_lines WHERE instance_id = ? AND seq <= ?");
  const oldestRowids = db.prepare(
    "SELECT rowid AS r, length(data) AS n FROM log_lines ORDER BY rowid LIMIT ?",
  );
  const deleteUpTo = db.prepare("DELETE FROM log_lines WHERE rowid <= ?");
  const rowOverhead = 40;
  let bytes = (
    db
      .prepare(`SELECT coalesce(sum(length(data)), 0) + count(*) * ${rowOverhead} AS n FROM log_lines`)
      .get() as {
      n: number;
    }
  ).n;
  const writesSinceTrim = new Map<string, number>();

  const trimToDiskBound = () => {
    // Drop the oldest ~10% (by insertion order) in one statement rather than row by row.
    const target = options.maxBytes * 0.9;
    while (bytes > target) {
      const rows = oldestRowids.all(2000) as { r: number; n: number }[];
      if (rows.length === 0) break;
      let freed = 0;
      let last = 0;
      for (const row of rows) {
        freed += row.n + rowOverhead;
        last = row.r;
        if (bytes - freed <= target) break;
      }
      deleteUpTo.run(last);
      bytes -= freed;
    }
  };

  const write = db.transaction((state: InstanceLogState, lines: StoredLine[]) => {
    for (const l of lines) {
      insertLine.run(l.instanceId, l.seq, l.timeMs, l.stream, l.data);
      bytes += l.data.byteLength + rowOverhead;
    }
    upsertInstance.run(
      state.instanceId,
      state.deploymentId,
      state.lastSeq,
      state.lastClientSeq.toString(),
      state.dropped,
    );
    const n = (writesSinceTrim.get(state.instanceId) ?? 0) + lines.length;
    if (n >= 1000) {
      trimInstance.run(state.instanceId, state.lastSeq - options.maxLinesPerInstance);
      writesSinceTrim.set(state.instanceId, 0);
    } else writesSinceTrim.set(state.instanceId, n);
    if (bytes > options.maxBytes) trimToDiskBound();
  });

  return {
    write: (state, lines) => write(state, lines),
    load(instanceId, limit) {
      const rows = selectTail.all(instanceId, limit) as {
        instance_id: string;
        seq: number;
        time: number;
        stream: number;
        data: Buffer;
      }[];
      return rows.reverse().map((r) => ({
        instanceId: r.instance_id,
        seq: r.seq,
        timeMs: r.time,
        stream: r.stream,
        data: r.data,
      }));
    },
    instance(instanceId) {
      const row = selectInstance.get(instanceId) as
        | {
            instance_id: string;
            deployment_id: string;
            last_seq: number;
            last_client_seq: string;
            dropped: number;
          }
        | undefined;
      if (!row) return undefined;
      return {
        instanceId: row.instance_id,
        deploymentId: row.deployment_id,
        lastSeq: row.last_seq,
        lastClientSeq: BigInt(row.last_client_seq),
        dropped: row.dropped,
      };
    },
    instancesOf: (deploymentId) =>
      (selectInstancesOf.all(deploymentId) as { instance_id: string }[]).map((r) => r.instance_id),
    get bytes() {
      return bytes;
    },
    close: () => db.close(),
  };
}
