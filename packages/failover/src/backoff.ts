export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Source of randomness in [0, 1), for tests. */
  random?: () => number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential with "full jitter", so a fleet of
 * entrypoints that lost the same server does not come back in lock-step.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 10_000;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  // Never below half the ceiling: fully random delays can be ~0 many times in a row.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
