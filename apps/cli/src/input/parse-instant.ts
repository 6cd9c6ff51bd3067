/**
 * A point in time as a person types it: "2026-12-07 14:02" (local time), an ISO 8601 string
 * ("2026-12-07T14:02:00Z"), "now", or a time ago ("90s", "15m", "2h", "3d" before now).
 */
export function parseInstant(text: string, now = Date.now()): number {
  const t = text.trim();
  if (t === "now") return now;
  const ago = /^(\d+)(s|m|h|d)( ago)?$/.exec(t);
  if (ago) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as "s" | "m" | "h" | "d"];
    return now - Number(ago[1]) * unit;
  }
  // "YYYY-MM-DD HH:MM[:SS]" without a zone is local time, as `date` prints it.
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = local;
    const ms = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
    if (!Number.isNaN(ms) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) <= 31) return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new Error(
    `--at: "${t}" is not a time; use "YYYY-MM-DD HH:MM" (local time), an ISO 8601 time with a zone, "now" or an age like 15m, 2h, 3d`,
  );
}
