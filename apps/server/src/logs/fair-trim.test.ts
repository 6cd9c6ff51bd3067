import { describe, expect, it } from "vitest";
import { fairTrim } from "./fair-trim.js";

describe("fairTrim", () => {
  it("frees nothing under the target", () => {
    expect(
      fairTrim(
        new Map([
          ["a", 10],
          ["b", 20],
        ]),
        30,
      ),
    ).toEqual(new Map());
  });

  it("takes from the largest first and leaves small instances whole", () => {
    const free = fairTrim(
      new Map([
        ["big", 900],
        ["mid", 300],
        ["quiet", 5],
      ]),
      505,
    );
    expect(free).toEqual(
      new Map([
        ["big", 650],
        ["mid", 50],
      ]),
    );
  });

  it("cuts everyone to one level when all are large", () => {
    const free = fairTrim(
      new Map([
        ["a", 100],
        ["b", 100],
        ["c", 100],
      ]),
      150,
    );
    expect(free).toEqual(
      new Map([
        ["a", 50],
        ["b", 50],
        ["c", 50],
      ]),
    );
  });

  it("always reaches the target", () => {
    const sizes = new Map(
      Array.from({ length: 50 }, (_, i): [string, number] => [`i${i}`, (i * 7919) % 1000]),
    );
    for (const target of [0, 1, 999, 5_000, 20_000]) {
      const free = fairTrim(sizes, target);
      const left = [...sizes].reduce((sum, [id, n]) => sum + n - (free.get(id) ?? 0), 0);
      expect(left).toBeLessThanOrEqual(target);
      for (const [id, n] of free) expect(n).toBeLessThanOrEqual(sizes.get(id)!);
    }
  });
});
