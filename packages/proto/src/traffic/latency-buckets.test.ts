import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addBuckets,
  bucketUpperMs,
  latencyBucket,
  latencyBucketCount,
  percentileMs,
} from "./latency-buckets.js";

describe("latency buckets", () => {
  it("puts every latency in the first bucket whose upper bound holds it, within 19 %", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.11, max: 100_000, noNaN: true }), (ms) => {
        const i = latencyBucket(ms);
        expect(bucketUpperMs(i)).toBeGreaterThanOrEqual(ms * (1 - 1e-9));
        expect(bucketUpperMs(i - 1)).toBeLessThan(ms * (1 + 1e-9));
        expect(bucketUpperMs(i) / ms).toBeLessThan(1.19);
      }),
    );
  });

  it("keeps the edges in range", () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(-5)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    expect(latencyBucket(1e12)).toBe(latencyBucketCount - 1);
  });

  it("reads percentiles from merged counts", () => {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 90; i++) a[latencyBucket(2)] = (a[latencyBucket(2)] ?? 0) + 1;
    for (let i = 0; i < 10; i++) b[latencyBucket(200)] = (b[latencyBucket(200)] ?? 0) + 1;
    const all = addBuckets(addBuckets([], a), b.map(BigInt));
    expect(percentileMs(all, 0.5)).toBeCloseTo(bucketUpperMs(latencyBucket(2)));
    expect(percentileMs(all, 0.95)).toBeCloseTo(bucketUpperMs(latencyBucket(200)));
    expect(percentileMs([], 0.5)).toBe(0);
  });
});
