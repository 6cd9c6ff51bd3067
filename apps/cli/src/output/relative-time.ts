const units: [limitSeconds: number, divisor: number, suffix: string][] = [
  [60, 1, "s"],
  [3600, 60, "m"],
  [86_400, 3600, "h"],
  [86_400 * 30, 86_400, "d"],
  [86_400 * 365, 86_400 * 30, "mo"],
  [Number.POSITIVE_INFINITY, 86_400 * 365, "y"],
];

/** "just now", "3m ago", "2h ago", "5d ago"; "in 3m" for future times; "" for no time. */
export function relativeTime(ms: number | undefined, now = Date.now()): string {
  if (ms === undefined || ms === 0) return "";
  const seconds = Math.round((now - ms) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return "just now";
  for (const [limit, divisor, suffix] of units) {
    if (abs < limit) {
      const n = Math.floor(abs / divisor);
      return seconds >= 0 ? `${n}${suffix} ago` : `in ${n}${suffix}`;
    }
  }
  return "";
}
