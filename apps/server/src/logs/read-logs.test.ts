import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeLogCursor } from "./log-cursor.js";
import { createLogStore, type LogStore } from "./log-store.js";
import { type ReadLogsChunk, type ReadLogsRequest, readLogs } from "./read-logs.js";

let dir: string;
let store: LogStore;
let clientSeq = 0n;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "berth-logs-"));
  store = createLogStore({ path: join(dir, "logs.db") });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const put = (instanceId: string, timeMs: number, text: string, deploymentId = "d1") =>
  store.append(
    deploymentId,
    instanceId,
    [{ timeMs, stream: 1, data: Buffer.from(text), clientSeq: ++clientSeq }],
    0,
  );

const req = (r: Partial<ReadLogsRequest>): ReadLogsRequest => ({
  deploymentId: "d1",
  instanceId: "",
  tailLines: 0,
  follow: false,
  ...r,
});

const texts = (chunks: ReadLogsChunk[]) =>
  chunks.flatMap((c) => c.lines.map((l) => Buffer.from(l.data).toString()));

async function collect(r: ReadLogsRequest): Promise<ReadLogsChunk[]> {
  const out: ReadLogsChunk[] = [];
  for await (const c of readLogs(store, r, new AbortController().signal)) out.push(c);
  return out;
}

describe("readLogs", () => {
  it("merges the instances of a deployment by time and tails", async () => {
    put("a", 10, "a1");
    put("b", 5, "b1");
    put("c", 20, "c1");
    put("b", 30, "b2");
    put("other", 1, "x", "d2");
    expect(texts(await collect(req({})))).toEqual(["b1", "a1", "c1", "b2"]);
    expect(texts(await collect(req({ tailLines: 2 })))).toEqual(["c1", "b2"]);
    expect(texts(await collect(req({ sinceMs: 15 })))).toEqual(["c1", "b2"]);
    expect(texts(await collect(req({ instanceId: "b", deploymentId: "" })))).toEqual(["b1", "b2"]);
  });

  it("resumes from a cursor without duplicates and follows new lines", async () => {
    put("a", 10, "a1");
    put("b", 11, "b1");
    const first = await collect(req({}));
    const cursor = decodeLogCursor(first.at(-1)!.cursor);
    put("a", 12, "a2");
    put("c", 13, "c1");
    const ac = new AbortController();
    const it = readLogs(store, req({ cursor, follow: true }), ac.signal)[Symbol.asyncIterator]();
    const backfill = (await it.next()).value as ReadLogsChunk;
    expect(texts([backfill])).toEqual(["a2", "c1"]);
    expect(backfill.backfillDone).toBe(true);
    const next = it.next();
    put("b", 14, "b2");
    expect(texts([(await next).value as ReadLogsChunk])).toEqual(["b2"]);
    ac.abort();
    put("a", 15, "late");
    expect((await it.next()).done).toBe(true);
  });

  it("reads lines older than the in-memory window from disk when resuming", async () => {
    const small = createLogStore({ path: join(dir, "small.db"), maxLinesPerInstance: 3 });
    small.append("d1", "a", [{ timeMs: 1, stream: 1, data: Buffer.from("1"), clientSeq: 1n }], 0);
    const first: ReadLogsChunk[] = [];
    for await (const c of readLogs(small, req({}), new AbortController().signal)) first.push(c);
    for (let i = 2; i <= 10; i++)
      small.append("d1", "a", [{ timeMs: i, stream: 1, data: Buffer.from(`${i}`), clientSeq: BigInt(i) }], 0);
    const resumed: ReadLogsChunk[] = [];
    for await (const c of readLogs(
      small,
      req({ cursor: decodeLogCursor(first.at(-1)!.cursor) }),
      new AbortController().signal,
    ))
      resumed.push(c);
    expect(texts(resumed)).toEqual(["2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(resumed[0]!.skipped).toBe(0);
    small.close();
  });

  it("announces a gap when the cursor is older than what is stored", async () => {
    const small = createLogStore({
      path: join(dir, "small.db"),
      maxLinesPerInstance: 10_000,
      maxDiskLinesPerInstance: 100,
    });
    const add = (n: number) =>
      small.append("d1", "a", [{ timeMs: n, stream: 1, data: Buffer.from(`${n}`), clientSeq: BigInt(n) }], 0);
    add(1);
    const first: ReadLogsChunk[] = [];
    for await (const c of readLogs(small, req({}), new AbortController().signal)) first.push(c);
    for (let n = 2; n <= 1500; n++) add(n);
    small.close();
    // Reopened, the window holds only what the disk kept: lines 901..1500 (trimmed at the 1,000th write).
    const reopened = createLogStore({ path: join(dir, "small.db"), maxDiskLinesPerInstance: 100 });
    const resumed: ReadLogsChunk[] = [];
    for await (const c of readLogs(
      reopened,
      req({ cursor: decodeLogCursor(first.at(-1)!.cursor) }),
      new AbortController().signal,
    ))
      resumed.push(c);
    expect(resumed[0]!.skipped).toBe(899);
    expect(texts(resumed)[0]).toBe("901");
    expect(texts(resumed)).toHaveLength(600);
    reopened.close();
  });

  it("gives a slow follower a bounded queue and a skipped count", async () => {
    const ac = new AbortController();
    const it = readLogs(store, req({ follow: true }), ac.signal, { maxQueuedLines: 100 })[
      Symbol.asyncIterator
    ]();
    expect((await it.next()).value?.backfillDone).toBe(true);
    for (let i = 0; i < 1000; i++) put("a", 100 + i, `l${i}`);
    const chunk = (await it.next()).value as ReadLogsChunk;
    expect(chunk.skipped).toBe(900);
    expect(texts([chunk])[0]).toBe("l900");
    ac.abort();
    await it.return?.(undefined);
  });

  it("drops lines the entrypoint resends and keeps bytes exact across a reopen", async () => {
    const raw = Buffer.concat([
      Buffer.from("\x1b[1;31m<script>alert(1)</script>\x1b[0m"),
      Buffer.from([0, 0xff, 0xc3]),
    ]);
    store.append("d1", "a", [{ timeMs: 1, stream: 2, data: raw, clientSeq: 5n }], 0);
    expect(store.append("d1", "a", [{ timeMs: 1, stream: 2, data: raw, clientSeq: 5n }], 0)).toBe(0);
    store.close();
    store = createLogStore({ path: join(dir, "logs.db") });
    const lines = (await collect(req({}))).flatMap((c) => c.lines);
    expect(lines).toHaveLength(1);
    expect(Buffer.from(lines[0]!.data).equals(raw)).toBe(true);
    expect(lines[0]!.stream).toBe(2);
    expect(store.append("d1", "a", [{ timeMs: 2, stream: 1, data: raw, clientSeq: 5n }], 0)).toBe(0);
    expect(store.append("d1", "a", [{ timeMs: 2, stream: 1, data: raw, clientSeq: 6n }], 0)).toBe(1);
    expect(store.window("a")!.lastSeq).toBe(2);
  });
});

describe("log store memory", () => {
  it("keeps in-memory windows under the byte budget and reloads evicted ones from disk", async () => {
    const small = createLogStore({ path: join(dir, "budget.db"), maxMemoryBytes: 200_000 });
    const line = Buffer.alloc(1000, "x");
    for (let i = 0; i < 10; i++) {
      for (let n = 1; n <= 50; n++) {
        small.append("d1", `i${i}`, [{ timeMs: n, stream: 1, data: line, clientSeq: BigInt(n) }], 0);
      }
      expect(small.memoryBytes).toBeLessThanOrEqual(200_000);
    }
    expect(small.window("i0")!.size).toBe(50);
    expect(small.memoryBytes).toBeLessThanOrEqual(200_000);
    small.close();
  });
});

describe("following several instances", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends a line of one instance at once, without waiting on a timer for the others", async () => {
    // Fake timers: a hold of any length (the old 30 ms merge window) would never end.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    put("a", 1, "a0");
    put("b", 2, "b0");
    const ac = new AbortController();
    const it = readLogs(store, req({ follow: true }), ac.signal)[Symbol.asyncIterator]();
    expect(texts([(await it.next()).value as ReadLogsChunk])).toEqual(["a0", "b0"]);
    let got: ReadLogsChunk | undefined;
    void it.next().then((r) => {
      got = r.value as ReadLogsChunk;
    });
    put("a", 200, "a at 200");
    await vi.advanceTimersByTimeAsync(0);
    expect(got && texts([got])).toEqual(["a at 200"]);
    expect(vi.getTimerCount()).toBe(0);
    ac.abort();
    await it.return?.(undefined);
  });

  it("sends live lines by arrival, each instance's in its own order even when its clock steps back", async () => {
    const ac = new AbortController();
    const it = readLogs(store, req({ follow: true }), ac.signal)[Symbol.asyncIterator]();
    expect((await it.next()).value?.backfillDone).toBe(true);
    put("a", 200, "a1");
    put("b", 100, "b1");
    put("a", 150, "a2");
    expect(texts([(await it.next()).value as ReadLogsChunk])).toEqual(["a1", "b1", "a2"]);
    ac.abort();
    await it.return?.(undefined);
  });

  it("resumes with a live cursor and still gets an instance's line older than one already sent", async () => {
    put("a", 1, "a0");
    const ac = new AbortController();
    const it = readLogs(store, req({ follow: true }), ac.signal)[Symbol.asyncIterator]();
    (await it.next()).value as ReadLogsChunk;
    const next = it.next();
    put("a", 200, "a at 200");
    const cursor = decodeLogCursor(((await next).value as ReadLogsChunk).cursor);
    // c's first line was written earlier but arrives later, and the reader goes away before it is sent.
    put("c", 100, "c at 100");
    ac.abort();
    await it.return?.(undefined);
    put("a", 300, "a at 300");
    expect(texts(await collect(req({ cursor })))).toEqual(["c at 100", "a at 300"]);
  });

  it("delivers every live line exactly once and in each instance's order, across reconnects with the cursor", async () => {
    const write = fc.record({
      instance: fc.constantFrom("a", "b", "c"),
      timeMs: fc.integer({ min: 0, max: 1000 }),
      lines: fc.integer({ min: 1, max: 3 }),
      // Whether the reader takes what is queued before the next write (else it may leave with lines unsent).
      read: fc.boolean(),
      reconnect: fc.boolean(),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 25 }), async (writes) => {
        const deploymentId = `p${run++}`;
        const written = new Map<string, string[]>();
        const received = new Map<string, string[]>();
        let cursor: string | undefined;
        let ac = new AbortController();
        let it: AsyncIterator<ReadLogsChunk> | undefined;
        let unread = false;
        // Entrypoint clocks: around now, each free to step back (the writes' times are in no order).
        const base = Date.now();
        const take = (c: ReadLogsChunk) => {
          cursor = c.cursor;
          expect(c.skipped).toBe(0);
          for (const l of c.lines) {
            const list = received.get(l.instanceId) ?? [];
            received.set(l.instanceId, list);
            list.push(Buffer.from(l.data).toString());
          }
        };
        const connect = async () => {
          ac = new AbortController();
          const r = req({ deploymentId, follow: true, cursor: cursor ? decodeLogCursor(cursor) : undefined });
          it = readLogs(store, r, ac.signal)[Symbol.asyncIterator]();
          for (;;) {
            const c = (await it.next()).value as ReadLogsChunk;
            take(c);
            if (c.backfillDone) break;
          }
          unread = false;
        };
        await connect();
        for (const w of writes) {
          if (w.reconnect) {
            ac.abort();
            await it!.return?.(undefined);
            await connect();
          }
          // Instance ids are global in the store: one set per run.
          const instanceId = `${deploymentId}${w.instance}`;
          const list = written.get(instanceId) ?? [];
          written.set(instanceId, list);
          const texts = Array.from({ length: w.lines }, (_, k) => `${instanceId} ${list.length + k}`);
          list.push(...texts);
          store.append(
            deploymentId,
            instanceId,
            texts.map((t) => ({
              timeMs: base + w.timeMs,
              stream: 1,
              data: Buffer.from(t),
              clientSeq: ++clientSeq,
            })),
            0,
          );
          unread = true;
          if (w.read) {
            take((await it!.next()).value as ReadLogsChunk);
            unread = false;
          }
        }
        if (unread) take((await it!.next()).value as ReadLogsChunk);
        ac.abort();
        await it!.return?.(undefined);
        expect(received).toEqual(written);
      }),
      { numRuns: 40 },
    );
  });
});

describe("reading back what is stored", () => {
  const fill = (target: LogStore, instanceId: string, count: number) => {
    for (let n = 1; n <= count; n += 500) {
      const batch = Array.from({ length: Math.min(500, count - n + 1) }, (_, k) => ({
        timeMs: n + k,
        stream: 1,
        data: Buffer.from(`${instanceId} ${n + k}`),
        clientSeq: BigInt(n + k),
      }));
      target.append("d1", instanceId, batch, 0);
    }
  };
  const lineCount = (chunks: ReadLogsChunk[]) => chunks.reduce((n, c) => n + c.lines.length, 0);
  const skippedCount = (chunks: ReadLogsChunk[]) => chunks.reduce((n, c) => n + c.skipped, 0);

  it("gives a backfill of 20,000 lines all 20,000 stored, beyond the 10,000-line window, before and after a restart", async () => {
    fill(store, "a", 20_000);
    for (const round of ["before", "after"]) {
      const chunks = await collect(req({ instanceId: "a", deploymentId: "", tailLines: 20_000 }));
      expect({ round, lines: lineCount(chunks), skipped: skippedCount(chunks) }).toEqual({
        round,
        lines: 20_000,
        skipped: 0,
      });
      expect(texts(chunks)[0]).toBe("a 1");
      expect(texts(chunks).at(-1)).toBe("a 20000");
      store.close();
      store = createLogStore({ path: join(dir, "logs.db") });
    }
  });

  it("reads a since backfill from disk when it reaches back before the window", async () => {
    store.close();
    store = createLogStore({ path: join(dir, "logs.db"), maxLinesPerInstance: 3 });
    fill(store, "a", 10);
    expect(texts(await collect(req({ sinceMs: 2 })))).toEqual(
      Array.from({ length: 9 }, (_, i) => `a ${i + 2}`),
    );
    expect(texts(await collect(req({ sinceMs: 9 })))).toEqual(["a 9", "a 10"]);
  });

  it("says exactly how many lines of a backfill it no longer has", async () => {
    store.close();
    const options = {
      path: join(dir, "logs.db"),
      maxLinesPerInstance: 5_000,
      maxDiskLinesPerInstance: 5_000,
    };
    store = createLogStore(options);
    fill(store, "a", 20_000);
    fill(store, "b", 3_000);
    for (const round of ["before", "after"]) {
      const one = await collect(req({ instanceId: "a", deploymentId: "", tailLines: 20_000 }));
      // Disk keeps the last 5,000 of a's lines (trimmed every 1,000 writes): 15,000 asked for are gone.
      expect({ round, lines: lineCount(one), skipped: one[0]!.skipped }).toEqual({
        round,
        lines: 5_000,
        skipped: 15_000,
      });
      const merged = await collect(req({ tailLines: 20_000 }));
      expect({ round, lines: lineCount(merged), skipped: skippedCount(merged) }).toEqual({
        round,
        lines: 8_000,
        skipped: 12_000,
      });
      store.close();
      store = createLogStore(options);
    }
  });

  it("records lines the entrypoint dropped where they were lost, for readers who come later", async () => {
    const line = (timeMs: number, text: string, seq: bigint) => ({
      timeMs,
      stream: 1,
      data: Buffer.from(text),
      clientSeq: seq,
    });
    store.append("d1", "a", [line(1, "before", 1n)], 0);
    // The entrypoint's seqs 2..8 were dropped from its buffer during an outage.
    store.append("d1", "a", [line(2, "after", 9n)], 7);
    const ac = new AbortController();
    const follower = readLogs(store, req({ follow: true }), ac.signal)[Symbol.asyncIterator]();
    const backfill = [(await follower.next()).value as ReadLogsChunk];
    backfill.push((await follower.next()).value as ReadLogsChunk);
    expect(backfill.map((c) => [texts([c]), c.dropped, c.backfillDone])).toEqual([
      [["before"], 0, false],
      [["after"], 7, true],
    ]);
    const live = follower.next();
    store.append("d1", "a", [line(3, "later", 13n)], 3);
    expect((await live).value).toMatchObject({ dropped: 3 });
    expect(texts([(await live).value as ReadLogsChunk])).toEqual(["later"]);
    ac.abort();
    await follower.return?.(undefined);
    // The entrypoint resends a batch whose ack it never got: its drops are not counted twice.
    store.append("d1", "a", [line(3, "later", 13n)], 3);
    store.append("d1", "a", [line(4, "fresh", 14n)], 0);
    for (let restart = 0; restart < 2; restart++) {
      const chunks = await collect(req({}));
      expect(chunks.map((c) => [texts([c]), c.dropped])).toEqual([
        [["before"], 0],
        [["after"], 7],
        [["later", "fresh"], 3],
      ]);
      store.close();
      store = createLogStore({ path: join(dir, "logs.db") });
    }
  });
});
