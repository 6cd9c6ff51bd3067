import { describe, expect, it } from "vitest";
import { median, percentiles, ratio } from "./stats.js";

describe("stats", () => {
  it("median of odd and even samples, NaN when empty", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("percentiles pick from the sorted sample", () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(xs)).toEqual({ n: 100, p50: 51, p99: 100, max: 100 });
  });

  it("ratio is NaN when a side is missing or zero", () => {
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(undefined, 4)).toBeNaN();
    expect(ratio(1, 0)).toBeNaN();
  });
});
