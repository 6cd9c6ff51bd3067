import { describe, expect, it } from "vitest";
import { createLogBuffer } from "./log-buffer.js";

const line = (s: string) => ({ data: Buffer.from(s), timeMs: 1 });

describe("createLogBuffer", () => {
  it("takes batches by bytes and lines, oldest first", () => {
    const b = createLogBuffer({ firstSeq: 1n });
    for (const s of ["aa", "bb", "cc", "dd"]) b.push(line(s), "stdout");
    expect(b.take(5, 10).lines.map((l) => l.seq)).toEqual([1n, 2n]);
    b.push(line("ee"), "stderr");
    expect(b.lines).toBe(3);
    expect(b.take(100, 2).lines.map((l) => l.seq)).toEqual([3n, 4n]);
  });

  it("drops the oldest lines when full and reports the count once", () => {
    const b = createLogBuffer({ firstSeq: 1n, maxLines: 3 });
    for (let i = 0; i < 5; i++) b.push(line(`l${i}`), "stdout");
    expect(b.lines).toBe(3);
    expect(b.droppedTotal).toBe(2n);
    const batch = b.take(1000, 1000);
    expect(batch.dropped).toBe(2n);
    expect(batch.lines[0]!.seq).toBe(3n);
    expect(b.take(1000, 1000).dropped).toBe(0n);
  });

  it("never counts a line being uploaded as dropped", () => {
    const b = createLogBuffer({ firstSeq: 1n, maxLines: 2 });
    b.push(line("a"), "stdout");
    b.push(line("b"), "stdout");
    const inFlight = b.take(1000, 1000);
    for (const s of ["c", "d", "e"]) b.push(line(s), "stdout");
    expect(inFlight.lines.map((l) => l.seq)).toEqual([1n, 2n]);
    const next = b.take(1000, 1000);
    expect(next.lines.map((l) => l.seq)).toEqual([4n, 5n]);
    expect(next.dropped).toBe(1n);
  });

  it("puts a failed batch back in front, keeping order and the drop count", () => {
    const b = createLogBuffer({ firstSeq: 1n, maxLines: 3 });
    for (const s of ["a", "b", "c", "d"]) b.push(line(s), "stdout");
    const failed = b.take(1000, 2);
    expect(failed.dropped).toBe(1n);
    b.push(line("e"), "stdout");
    b.putBack(failed);
    expect(b.lines).toBe(3);
    const again = b.take(1000, 1000);
    expect(again.lines.map((l) => l.seq)).toEqual([3n, 4n, 5n]);
    expect(again.dropped).toBe(2n);
  });

  it("bounds memory by bytes", () => {
    const b = createLogBuffer({ maxBytes: 10_000 });
    for (let i = 0; i < 1000; i++) b.push(line("x".repeat(100)), "stdout");
    expect(b.bytes).toBeLessThanOrEqual(10_000);
    expect(b.droppedTotal).toBeGreaterThan(0n);
  });
});
