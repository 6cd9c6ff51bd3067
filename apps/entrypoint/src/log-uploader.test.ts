import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogBuffer, type LogBatch } from "./log-buffer.js";
import { createLogUploader } from "./log-uploader.js";

const line = (s: string) => ({ data: Buffer.from(s), timeMs: 1 });
const texts = (b: LogBatch) => b.lines.map((l) => Buffer.from(l.data).toString());

/** An uploader whose calls stay in flight until the test acknowledges them. */
function heldUploader(options: { maxBatchBytes?: number; maxBatchLines?: number } = {}) {
  const buffer = createLogBuffer({ firstSeq: 1n });
  const calls: { batch: LogBatch; ack(): void; fail(err: Error): void }[] = [];
  const ac = new AbortController();
  const uploader = createLogUploader({
    buffer,
    signal: ac.signal,
    ...options,
    upload: (batch) =>
      new Promise<void>((ack, fail) => {
        calls.push({ batch, ack, fail });
      }),
  });
  return {
    buffer,
    calls,
    uploader,
    async stop() {
      ac.abort();
      for (const c of calls) c.ack();
      await uploader.done;
    },
  };
}

// Fake timers: a timer-based hold (a batching window) would never fire, so a batch that is sent anyway was not held.
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("createLogUploader batching (Nagle-style, no timer)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the first line after an idle period at once, without any pending timer", async () => {
    vi.useFakeTimers();
    const u = heldUploader();
    await settle();
    u.buffer.push(line("first"), "stdout");
    await settle();
    expect(u.calls.map((c) => texts(c.batch))).toEqual([["first"]]);
    expect(vi.getTimerCount()).toBe(0);
    u.calls[0]!.ack();
    await settle();
    // Idle again: the next line also leaves at once.
    u.buffer.push(line("second"), "stdout");
    await settle();
    expect(u.calls.map((c) => texts(c.batch))).toEqual([["first"], ["second"]]);
    await u.stop();
  });

  it("collects the lines written during a call and sends them as one batch when it is acknowledged", async () => {
    vi.useFakeTimers();
    const u = heldUploader();
    await settle();
    u.buffer.push(line("a"), "stdout");
    await settle();
    for (const s of ["b", "c", "d"]) {
      u.buffer.push(line(s), "stderr");
      await settle();
    }
    // One call at a time: b, c, d wait for a's ack however long it takes.
    expect(u.calls).toHaveLength(1);
    u.calls[0]!.ack();
    await settle();
    expect(u.calls.map((c) => texts(c.batch))).toEqual([["a"], ["b", "c", "d"]]);
    expect(u.calls[1]!.batch.lines.map((l) => l.seq)).toEqual([2n, 3n, 4n]);
    u.calls[1]!.ack();
    expect(await u.uploader.drain(1000)).toBe(true);
    expect(u.buffer.lines).toBe(0);
    await u.stop();
  });

  it("bounds each batch by bytes and lines, sending a backlog in several calls", async () => {
    vi.useFakeTimers();
    const u = heldUploader({ maxBatchBytes: 250, maxBatchLines: 3 });
    await settle();
    u.buffer.push(line("x"), "stdout");
    await settle();
    for (let i = 0; i < 5; i++) u.buffer.push(line("y".repeat(100)), "stdout");
    for (let i = 0; i < 4; i++) u.buffer.push(line("z"), "stdout");
    for (let n = 0; n < 4; n++) {
      u.calls[n]!.ack();
      await settle();
    }
    expect(u.calls.map((c) => [c.batch.lines.length, c.batch.bytes])).toEqual([
      [1, 1],
      [2, 200],
      [2, 200],
      [3, 102],
      [2, 2],
    ]);
    await u.stop();
  });

  it("keeps a batch whose call failed, resends it first and counts drops once", async () => {
    const buffer = createLogBuffer({ firstSeq: 1n, maxLines: 3 });
    const ac = new AbortController();
    const sent: LogBatch[] = [];
    let failures = 1;
    const uploader = createLogUploader({
      buffer,
      signal: ac.signal,
      upload: async (b) => {
        sent.push(b);
        if (failures-- > 0) throw new Error("ack lost");
      },
    });
    for (const s of ["a", "b", "c", "d"]) buffer.push(line(s), "stdout");
    expect(await uploader.drain(5000)).toBe(true);
    // The lost ack's batch is sent again unchanged (the server drops the resend by seq), with its drop count.
    expect(sent.map((b) => [b.lines.map((l) => l.seq), b.dropped])).toEqual([
      [[2n, 3n, 4n], 1n],
      [[2n, 3n, 4n], 1n],
    ]);
    ac.abort();
    await uploader.done;
  });
});

describe("createLogUploader", () => {
  it("batches lines written together and uploads them in order", async () => {
    const buffer = createLogBuffer({ firstSeq: 1n });
    const batches: LogBatch[] = [];
    const ac = new AbortController();
    const up = createLogUploader({
      buffer,
      signal: ac.signal,
      upload: async (b) => {
        batches.push(b);
      },
    });
    for (let i = 0; i < 100; i++) buffer.push(line(`l${i}`), "stdout");
    expect(await up.drain(2000)).toBe(true);
    expect(batches).toHaveLength(1);
    expect(texts(batches[0]!)).toEqual(Array.from({ length: 100 }, (_, i) => `l${i}`));
    ac.abort();
    await up.done;
  });

  it("keeps lines while uploads fail and delivers them once the server is back", async () => {
    const buffer = createLogBuffer({ firstSeq: 1n });
    let up = false;
    const got: bigint[] = [];
    const ac = new AbortController();
    const uploader = createLogUploader({
      buffer,
      signal: ac.signal,
      upload: async (b) => {
        if (!up) throw new Error("server down");
        got.push(...b.lines.map((l) => l.seq));
      },
    });
    buffer.push(line("a"), "stdout");
    buffer.push(line("b"), "stdout");
    expect(await uploader.drain(150)).toBe(false);
    up = true;
    uploader.kick();
    expect(await uploader.drain(2000)).toBe(true);
    expect(got).toEqual([1n, 2n]);
    ac.abort();
    await uploader.done;
  });
});
