import { describe, expect, it } from "vitest";
import { autoAbortVerdict } from "./auto-abort-verdict.js";

const traffic = (requests: number, errors5xx: number) => ({ requests, errors5xx, buckets: [] });
const rules = { maxErrorRateMarginPercent: 5, minRequests: 100, unhealthyAfterSeconds: 10 };

describe("autoAbortVerdict", () => {
  it("aborts a canary whose 5xx rate exceeds the baseline's by more than the margin, once it has enough requests", () => {
    expect(autoAbortVerdict(rules, traffic(99, 99), traffic(1000, 0), undefined, 0)).toBeUndefined();
    expect(autoAbortVerdict(rules, traffic(100, 10), traffic(1000, 0), undefined, 0)).toBe(
      "auto-abort: the canary answered 10.0% 5xx over 100 requests, the baseline 0.0% (allowed margin 5 points)",
    );
    // Both failing alike is not the canary's fault.
    expect(autoAbortVerdict(rules, traffic(100, 10), traffic(1000, 60), undefined, 0)).toBeUndefined();
    expect(autoAbortVerdict(rules, traffic(100, 5), traffic(1000, 0), undefined, 0)).toBeUndefined();
  });

  it("aborts a canary without a healthy instance for the set time", () => {
    expect(autoAbortVerdict(rules, traffic(0, 0), traffic(0, 0), 1000, 10_999)).toBeUndefined();
    expect(autoAbortVerdict(rules, traffic(0, 0), traffic(0, 0), 1000, 11_000)).toBe(
      "auto-abort: the canary has had no healthy instance for 10 s (limit 10 s)",
    );
  });

  it("does nothing with the rules off", () => {
    const off = { maxErrorRateMarginPercent: 0, minRequests: 0, unhealthyAfterSeconds: 0 };
    expect(autoAbortVerdict(off, traffic(100, 100), traffic(100, 0), 0, 1e9)).toBeUndefined();
  });
});
