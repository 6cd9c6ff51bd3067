import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeLines } from "./merge-lines.js";
import type { StoredLine } from "./stored-line.js";

const mk = (instanceId: string, seq: number, timeMs: number): StoredLine => ({
  instanceId,
  seq,
  timeMs,
  stream: 1,
  data: new Uint8Array(),
});

describe("mergeLines", () => {
  it("merges three instances by time", () => {
    const a = [mk("a", 1, 10), mk("a", 2, 40)];
    const b = [mk("b", 1, 20), mk("b", 2, 50)];
    const c = [mk("c", 1, 5), mk("c", 2, 30)];
    expect(mergeLines([a, b, c]).map((l) => `${l.instanceId}${l.seq}`)).toEqual([
      "c1",
      "a1",
      "b1",
      "c2",
      "a2",
      "b2",
    ]);
  });

  it("keeps every line and each instance's own order", () => {
    const arb = fc.array(fc.array(fc.nat(1000), { maxLength: 30 }), { maxLength: 5 });
    fc.assert(
      fc.property(arb, (times) => {
        const lists = times.map((ts, i) => ts.sort((x, y) => x - y).map((t, j) => mk(`i${i}`, j + 1, t)));
        const merged = mergeLines(lists);
        expect(merged).toHaveLength(lists.flat().length);
        for (let k = 1; k < merged.length; k++)
          expect(merged[k]!.timeMs).toBeGreaterThanOrEqual(merged[k - 1]!.timeMs);
        for (const [i, list] of lists.entries()) {
          expect(merged.filter((l) => l.instanceId === `i${i}`)).toEqual(list);
        }
      }),
    );
  });
});
