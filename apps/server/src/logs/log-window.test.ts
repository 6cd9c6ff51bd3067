import { describe, expect, it } from "vitest";
import { createLogWindow } from "./log-window.js";
import type { StoredLine } from "./stored-line.js";

const mk = (seq: number, size = 1): StoredLine => ({
  instanceId: "i",
  seq,
  timeMs: seq,
  stream: 1,
  data: new Uint8Array(size),
});

describe("createLogWindow", () => {
  it("keeps the last maxLines lines", () => {
    const w = createLogWindow({ maxLines: 10_000, maxBytes: 1e9 });
    for (let i = 1; i <= 25_000; i++) w.append(mk(i));
    expect(w.size).toBe(10_000);
    expect(w.oldestSeq).toBe(15_001);
    expect(w.lastSeq).toBe(25_000);
    expect(w.tail(3).map((l) => l.seq)).toEqual([24_998, 24_999, 25_000]);
  });

  it("is bounded by bytes", () => {
    const w = createLogWindow({ maxLines: 1e6, maxBytes: 100_000 });
    for (let i = 1; i <= 1000; i++) w.append(mk(i, 1000));
    expect(w.bytes).toBeLessThanOrEqual(100_000);
    expect(w.lastSeq).toBe(1000);
  });

  it("returns lines after a seq", () => {
    const w = createLogWindow({ maxLines: 5, maxBytes: 1e9 }, [mk(1), mk(2), mk(3)]);
    for (let i = 4; i <= 8; i++) w.append(mk(i));
    expect(w.after(5).map((l) => l.seq)).toEqual([6, 7, 8]);
    expect(w.after(0).map((l) => l.seq)).toEqual([4, 5, 6, 7, 8]);
    expect(w.after(8)).toEqual([]);
  });
});
