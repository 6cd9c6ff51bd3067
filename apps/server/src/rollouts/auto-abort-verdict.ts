import type { TrafficTotals } from "../traffic/traffic-stats.js";

/** When a rollout aborts by itself (berth.v1.AutoAbort). Zero turns a rule off. */
export interface AutoAbortRules {
  maxErrorRateMarginPercent: number;
  minRequests: number;
  unhealthyAfterSeconds: number;
}

export const noAutoAbort: AutoAbortRules = {
  maxErrorRateMarginPercent: 0,
  minRequests: 0,
  unhealthyAfterSeconds: 0,
};

const percent = (errors: number, requests: number) => (requests > 0 ? (100 * errors) / requests : 0);

/**
 * Why the canary should be aborted now, or undefined. Errors: its 5xx rate in the current step exceeds the
 * baseline's by more than the margin, judged once it has served enough requests to mean something. Health: it has
 * had no healthy instance for the set time (`unhealthySinceMs`: when that began, or undefined while healthy).
 */
export function autoAbortVerdict(
  rules: AutoAbortRules,
  canary: TrafficTotals,
  baseline: TrafficTotals,
  unhealthySinceMs: number | undefined,
  nowMs: number,
): string | undefined {
  if (rules.maxErrorRateMarginPercent > 0 && canary.requests >= Math.max(1, rules.minRequests)) {
    const c = percent(canary.errors5xx, canary.requests);
    const b = percent(baseline.errors5xx, baseline.requests);
    if (c - b > rules.maxErrorRateMarginPercent)
      return `auto-abort: the canary answered ${c.toFixed(1)}% 5xx over ${canary.requests} requests, the baseline ${b.toFixed(1)}% (allowed margin ${rules.maxErrorRateMarginPercent} points)`;
  }
  if (rules.unhealthyAfterSeconds > 0 && unhealthySinceMs !== undefined) {
    const seconds = (nowMs - unhealthySinceMs) / 1000;
    if (seconds >= rules.unhealthyAfterSeconds)
      return `auto-abort: the canary has had no healthy instance for ${Math.floor(seconds)} s (limit ${rules.unhealthyAfterSeconds} s)`;
  }
  return undefined;
}
