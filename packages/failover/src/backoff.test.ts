import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "./backoff.js";

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap", () => {
    const mid = () => 0.5;
    expect(backoffDelayMs(0, { baseMs: 100, random: mid })).toBe(75);
    expect(backoffDelayMs(3, { baseMs: 100, random: mid })).toBe(600);
    expect(backoffDelayMs(40, { baseMs: 100, maxMs: 5000, random: mid })).toBe(3750);
  });

  it("stays within [ceiling/2, ceiling] for any attempt and randomness", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffDelayMs(attempt, { baseMs: 200, maxMs: 10_000, random: () => r });
        const ceiling = Math.min(10_000, 200 * 2 ** Math.min(attempt, 30));
        return d >= Math.floor(ceiling / 2) && d <= ceiling;
      }),
    );
  });
});
