import { describe, expect, it } from "vitest";
import { createLogBuffer, type LogBatch } from "./log-buffer.js";
import { createLogUploader } from "./log-uploader.js";

const line = (s: string) => ({ data: Buffer.from(s), timeMs: Date.now() });

describe("createLogUploader", () => {
  it("batches lines written together and uploads them in order", async () => {
    const buffer = createLogBuffer({ firstSeq: 1n });
    const batches: LogBatch[] = [];
    const ac = new AbortController();
    const up = createLogUploader({
      buffer,
      signal: ac.signal,
      windowMs: 20,
      upload: async (b) => {
        batches.push(b);
      },
    });
    for (let i = 0; i < 100; i++) buffer.push(line(`l${i}`), "stdout");
    expect(await up.drain(2000)).toBe(true);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.lines.map((l) => Buffer.from(l.data).toString())).toEqual(
      Array.from({ length: 100 }, (_, i) => `l${i}`),
    );
    ac.abort();
    await up.done;
  });

  it("flushes at the byte bound without waiting for the window", async () => {
    const buffer = createLogBuffer({ firstSeq: 1n });
    const sizes: number[] = [];
    const ac = new AbortController();
    const up = createLogUploader({
      buffer,
      signal: ac.signal,
      windowMs: 10_000,
      flushBytes: 1000,
      maxBatchBytes: 1000,
      upload: async (b) => {
        sizes.push(b.bytes);
      },
    });
    for (let i = 0; i < 30; i++) buffer.push(line("x".repeat(100)), "stdout");
    expect(await up.drain(2000)).toBe(true);
    expect(sizes.every((s) => s <= 1000)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3000);
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
      windowMs: 1,
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
