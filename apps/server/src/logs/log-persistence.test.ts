import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLogPersistence } from "./log-persistence.js";
import { createLogStore, type LogStoreOptions } from "./log-store.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "berth-log-persistence-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What the stored lines add up to, counted by SQLite itself. */
function storedBytes(path: string): number {
  const db = new SqliteDatabase(path, { readonly: true });
  const { n } = db
    .prepare("SELECT coalesce(sum(length(data)) + count(*) * 40, 0) AS n FROM log_lines")
    .get() as {
    n: number;
  };
  db.close();
  return n;
}

describe("log persistence under a disk bound", () => {
  it("keeps the newest lines of every instance across restarts after 1,000x the bound was written", () => {
    const path = join(dir, "logs.db");
    const maxDiskBytes = 32 * 1024;
    const options: LogStoreOptions = { path, maxDiskBytes, maxDiskLinesPerInstance: 150 };
    // A simulated clock: two hours of logs are written without waiting for them.
    let nowMs = Date.UTC(2026, 11, 7);
    const rates = { chatty: 100, steady: 10 } as const;
    const seqs = new Map<string, bigint>();
    let written = 0;
    let store = createLogStore(options);
    const log = (instanceId: string, count: number) => {
      const lines = Array.from({ length: count }, () => {
        const seq = (seqs.get(instanceId) ?? 0n) + 1n;
        seqs.set(instanceId, seq);
        const data = Buffer.from(
          `${instanceId} line ${seq} at ${new Date(nowMs).toISOString()} ${"x".repeat(40)}`,
        );
        written += data.byteLength;
        return { timeMs: nowMs, stream: 1, data, clientSeq: seq };
      });
      store.append("d1", instanceId, lines, 0);
    };
    const expectNewestLines = () => {
      for (const [instanceId, last] of seqs) {
        // Right after a restart the window is what the disk gave back.
        const newest = store.window(instanceId)?.tail(5) ?? [];
        expect({ instanceId, seqs: newest.map((l) => l.seq) }).toEqual({
          instanceId,
          seqs: [0, 1, 2, 3, 4].map((k) => Number(last) - 4 + k).filter((s) => s > 0),
        });
      }
    };

    // Entrypoints upload in batches; one batch per instance every 10 simulated seconds keeps the test quick.
    for (let second = 10; second <= 2 * 3600; second += 10) {
      nowMs += 10_000;
      log("chatty", rates.chatty * 10);
      log("steady", rates.steady * 10);
      // A quiet instance logs once a minute: the chatty one must not push its lines off the disk.
      if (second % 60 === 0) log("quiet", 1);
      if (second % 1800 === 0) {
        store.close();
        expect(storedBytes(path)).toBeLessThanOrEqual(maxDiskBytes);
        store = createLogStore(options);
        expectNewestLines();
      }
    }
    expect(written).toBeGreaterThan(1000 * maxDiskBytes);
    store.close();
  }, 120_000);

  it("counts exactly the bytes stored, whichever path deleted lines", () => {
    const path = join(dir, "logs.db");
    const disk = openLogPersistence({ path, maxBytes: 20_000, maxLinesPerInstance: 50 });
    const state = (instanceId: string, lastSeq: number) => ({
      instanceId,
      deploymentId: "d1",
      lastSeq,
      lastClientSeq: BigInt(lastSeq),
      dropped: 0,
      droppedPending: 0,
    });
    for (let seq = 1; seq <= 3000; seq++) {
      const instanceId = `i${seq % 3}`;
      const line = { instanceId, seq, timeMs: seq, stream: 1, data: Buffer.alloc(seq % 97) };
      disk.write(state(instanceId, seq), [line]);
      // A resent line is ignored by the insert and must not be counted either.
      if (seq % 10 === 0) disk.write(state(instanceId, seq), [line]);
    }
    const counted = disk.bytes;
    disk.close();
    expect(counted).toBe(storedBytes(path));
    expect(counted).toBeLessThanOrEqual(20_000);
  });
});
