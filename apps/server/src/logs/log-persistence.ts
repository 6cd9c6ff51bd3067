import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { fairTrim } from "./fair-trim.js";
import { migrateLogDb } from "./migrate-log-db.js";
import type { StoredLine } from "./stored-line.js";

export interface LogPersistenceOptions {
  /** Path of logs.db (apart from the catalog: log churn must not slow catalog writes or backups). */
  path: string;
  /** Disk bound for line bytes; when it is passed the largest instances lose their oldest lines first. */
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
  /** Dropped lines reported with no line yet to carry the marker (see StoredLine.droppedBefore). */
  droppedPending: number;
}

export interface LogPersistence {
  /** Writes lines and the instance's new state in one transaction. */
  write(state: InstanceLogState, lines: StoredLine[]): void;
  /** The newest `limit` lines of an instance, oldest first. */
  load(instanceId: string, limit: number): StoredLine[];
  /** Up to `limit` lines of an instance with seq above `afterSeq`, oldest first. */
  loadAfter(instanceId: string, afterSeq: number, limit: number): StoredLine[];
  /** Seq of the oldest line stored for the instance (0 when none). */
  firstSeq(instanceId: string): number;
  instance(instanceId: string): InstanceLogState | undefined;
  /** Instances with logs in a deployment. */
  instancesOf(deploymentId: string): string[];
  /** Bytes the stored lines account for (data plus a per-row overhead), always equal to what is stored. */
  readonly bytes: number;
  close(): void;
}

interface LineRow {
  instance_id: string;
  seq: number;
  time: number;
  stream: number;
  data: Buffer;
  dropped_before: number;
}

// Roughly what SQLite spends per row beyond the data (key, index entry, columns).
const rowOverhead = 40;

/** Opens (creating and migrating if needed) the log database. */
export function openLogPersistence(options: LogPersistenceOptions): LogPersistence {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new SqliteDatabase(options.path);
  db.pragma("journal_mode = WAL");
  // NORMAL: a power cut may lose the last few batches, which is fine for logs and much cheaper.
  db.pragma("synchronous = NORMAL");
  migrateLogDb(db);
  const insertLine = db.prepare(
    "INSERT OR IGNORE INTO log_lines (instance_id, seq, time, stream, data, dropped_before) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const upsertInstance = db.prepare(`
    INSERT INTO log_instances (instance_id, deployment_id, last_seq, last_client_seq, dropped, dropped_pending)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (instance_id) DO UPDATE SET last_seq = excluded.last_seq,
      last_client_seq = excluded.last_client_seq, dropped = excluded.dropped,
      dropped_pending = excluded.dropped_pending`);
  const lineColumns = "instance_id, seq, time, stream, data, dropped_before";
  const selectTail = db.prepare(
    `SELECT ${lineColumns} FROM log_lines WHERE instance_id = ? ORDER BY seq DESC LIMIT ?`,
  );
  const selectAfter = db.prepare(
    `SELECT ${lineColumns} FROM log_lines WHERE instance_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const selectFirstSeq = db.prepare("SELECT min(seq) AS s FROM log_lines WHERE instance_id = ?");
  const selectInstance = db.prepare("SELECT * FROM log_instances WHERE instance_id = ?");
  const selectInstancesOf = db.prepare("SELECT instance_id FROM log_instances WHERE deployment_id = ?");
  // Every delete returns what it removed, so the byte count stays exact whichever path deletes.
  const deleteUpTo = db.prepare(
    "DELETE FROM log_lines WHERE instance_id = ? AND seq <= ? RETURNING length(data) AS n",
  );
  // The seq up to which an instance's oldest lines add up to at least `?` bytes.
  const seqFreeing = db.prepare(`
    SELECT seq FROM (
      SELECT seq, sum(length(data) + ${rowOverhead}) OVER (ORDER BY seq) AS freed
      FROM log_lines WHERE instance_id = ?
    ) WHERE freed >= ? ORDER BY seq LIMIT 1`);

  // Bytes per instance, derived from what is stored at open and kept exact by every insert and delete.
  const sizes = new Map<string, number>();
  for (const row of db
    .prepare(
      `SELECT instance_id AS id, sum(length(data)) + count(*) * ${rowOverhead} AS n FROM log_lines GROUP BY instance_id`,
    )
    .all() as { id: string; n: number }[]) {
    sizes.set(row.id, row.n);
  }
  let bytes = [...sizes.values()].reduce((a, b) => a + b, 0);
  const writesSinceTrim = new Map<string, number>();

  const account = (instanceId: string, delta: number) => {
    const n = (sizes.get(instanceId) ?? 0) + delta;
    if (n > 0) sizes.set(instanceId, n);
    else sizes.delete(instanceId);
    bytes += delta;
  };

  const deleteThrough = (instanceId: string, seq: number) => {
    const removed = deleteUpTo.all(instanceId, seq) as { n: number }[];
    account(instanceId, -removed.reduce((sum, r) => sum + r.n + rowOverhead, 0));
  };

  const trimToDiskBound = () => {
    // Down to 90% in one go, so a full disk does not trim on every write.
    for (const [instanceId, free] of fairTrim(sizes, Math.floor(options.maxBytes * 0.9))) {
      const row = seqFreeing.get(instanceId, free) as { seq: number } | undefined;
      deleteThrough(instanceId, row?.seq ?? Number.MAX_SAFE_INTEGER);
    }
  };

  const write = db.transaction((state: InstanceLogState, lines: StoredLine[]) => {
    for (const l of lines) {
      const { changes } = insertLine.run(
        l.instanceId,
        l.seq,
        l.timeMs,
        l.stream,
        l.data,
        l.droppedBefore ?? 0,
      );
      if (changes > 0) account(l.instanceId, l.data.byteLength + rowOverhead);
    }
    upsertInstance.run(
      state.instanceId,
      state.deploymentId,
      state.lastSeq,
      state.lastClientSeq.toString(),
      state.dropped,
      state.droppedPending,
    );
    const n = (writesSinceTrim.get(state.instanceId) ?? 0) + lines.length;
    if (n >= 1000) {
      deleteThrough(state.instanceId, state.lastSeq - options.maxLinesPerInstance);
      writesSinceTrim.set(state.instanceId, 0);
    } else writesSinceTrim.set(state.instanceId, n);
    if (bytes > options.maxBytes) trimToDiskBound();
  });

  const toLine = (r: LineRow): StoredLine => ({
    instanceId: r.instance_id,
    seq: r.seq,
    timeMs: r.time,
    stream: r.stream,
    data: r.data,
    ...(r.dropped_before > 0 ? { droppedBefore: r.dropped_before } : {}),
  });

  return {
    write: (state, lines) => write(state, lines),
    load: (instanceId, limit) => (selectTail.all(instanceId, limit) as LineRow[]).reverse().map(toLine),
    loadAfter: (instanceId, afterSeq, limit) =>
      (selectAfter.all(instanceId, afterSeq, limit) as LineRow[]).map(toLine),
    firstSeq: (instanceId) => (selectFirstSeq.get(instanceId) as { s: number | null }).s ?? 0,
    instance(instanceId) {
      const row = selectInstance.get(instanceId) as
        | {
            instance_id: string;
            deployment_id: string;
            last_seq: number;
            last_client_seq: string;
            dropped: number;
            dropped_pending: number;
          }
        | undefined;
      if (!row) return undefined;
      return {
        instanceId: row.instance_id,
        deploymentId: row.deployment_id,
        lastSeq: row.last_seq,
        lastClientSeq: BigInt(row.last_client_seq),
        dropped: row.dropped,
        droppedPending: row.dropped_pending,
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
