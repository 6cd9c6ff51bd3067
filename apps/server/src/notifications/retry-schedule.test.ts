import { describe, expect, it } from "vitest";
import { defaultRetryOptions, nextAttemptAt, retryDelayMs } from "./retry-schedule.js";

describe("retry schedule", () => {
  it("doubles the delay per failure within [½, 1] of the ceiling, capped at the maximum", () => {
    const o = { baseMs: 1000, maxMs: 10_000, windowMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, o, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, o, () => 0))).toEqual([500, 1000, 2000]);
    // A huge failure count does not overflow into Infinity or NaN.
    expect(retryDelayMs(10_000, o, () => 0.5)).toBe(7500);
  });

  it("retries for the whole window and gives up after it", () => {
    const o = defaultRetryOptions;
    let now = 0;
    let failures = 0;
    const times: number[] = [];
    for (;;) {
      failures += 1;
      const at = nextAttemptAt(now, 0, failures, o, () => 1);
      if (at === undefined) break;
      times.push(at);
      now = at;
    }
    expect(now).toBeLessThanOrEqual(o.windowMs);
    expect(now + o.maxMs).toBeGreaterThan(o.windowMs);
    // 5 s, 10 s, … up to an hour, then hourly: about 30 attempts in a day, not thousands.
    expect(times.length).toBeGreaterThan(20);
    expect(times.length).toBeLessThan(40);
  });
});
