// When a failed delivery is tried again: exponential backoff with jitter, for up to a retry window (24 h).

export interface RetryOptions {
  /** The delay after the first failed attempt; it doubles with each failure. Default 5 s. */
  baseMs: number;
  /** The longest delay between two attempts. Default 1 h. */
  maxMs: number;
  /** How long after the event (or a redelivery) attempts go on. Default 24 h. */
  windowMs: number;
}

export const defaultRetryOptions: RetryOptions = { baseMs: 5_000, maxMs: 3_600_000, windowMs: 86_400_000 };

/**
 * The delay before attempt `failures + 1`, after `failures` (≥ 1) failed ones: base·2^(failures−1) capped at
 * max, then jittered into [½, 1] of that, so endpoints that failed together are not retried in lock-step
 * and no delay collapses to ~0.
 */
export function retryDelayMs(
  failures: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * When to try again after a failed attempt at `now`, or undefined when the retry window (opened at
 * `retryFrom`) ends before then: the delivery has failed for good.
 */
export function nextAttemptAt(
  now: number,
  retryFrom: number,
  failures: number,
  options: RetryOptions,
  random?: () => number,
): number | undefined {
  const at = now + retryDelayMs(failures, options, random);
  return at <= retryFrom + options.windowMs ? at : undefined;
}
