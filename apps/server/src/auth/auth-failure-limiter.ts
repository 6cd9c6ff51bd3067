/** How many failed authentications an address may make per window. */
export interface AuthFailureLimit {
  maxFailures: number;
  windowMs: number;
}

/** Counts failed authentications per remote address and says when one is locked out. */
export interface AuthFailureLimiter {
  /** Milliseconds until `address` may authenticate again, or 0 when it may now. */
  lockedFor(address: string): number;
  /** Records a failed authentication of `address`. */
  fail(address: string): void;
}

/** Addresses remembered at most; past it, expired windows are swept (and, failing that, the oldest). */
const maxTracked = 10_000;

/** Default: 20 unknown tokens per minute per address, enough for typos and far too few to guess a secret. */
export const defaultAuthFailureLimit: AuthFailureLimit = { maxFailures: 20, windowMs: 60_000 };

/**
 * A fixed window per address: the first failure opens it; `maxFailures` failures within it lock the
 * address out until it closes.
 */
export function createAuthFailureLimiter(
  limit: AuthFailureLimit = defaultAuthFailureLimit,
  now: () => number = Date.now,
): AuthFailureLimiter {
  const windows = new Map<string, { start: number; failures: number }>();
  const current = (address: string) => {
    const w = windows.get(address);
    if (w && now() - w.start >= limit.windowMs) {
      windows.delete(address);
      return undefined;
    }
    return w;
  };
  const sweep = () => {
    for (const address of windows.keys()) current(address);
    // Still full: forget the oldest window (Map keeps insertion order).
    if (windows.size >= maxTracked) windows.delete(windows.keys().next().value as string);
  };
  return {
    lockedFor(address) {
      const w = current(address);
      if (!w || w.failures < limit.maxFailures) return 0;
      return w.start + limit.windowMs - now();
    },
    fail(address) {
      const w = current(address);
      if (w) {
        w.failures++;
        return;
      }
      if (windows.size >= maxTracked) sweep();
      windows.set(address, { start: now(), failures: 1 });
    },
  };
}
