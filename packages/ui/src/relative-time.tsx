const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ["year", 365 * 24 * 3600_000],
  ["month", 30 * 24 * 3600_000],
  ["day", 24 * 3600_000],
  ["hour", 3600_000],
  ["minute", 60_000],
  ["second", 1000],
];

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });

/** "3 min. ago" for a time `ms` relative to `now`. */
export function formatRelative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  for (const [unit, size] of units) {
    if (Math.abs(diff) >= size || unit === "second") return rtf.format(Math.round(diff / size), unit);
  }
  return "";
}

/** "1.2 s", "3 min 4 s": durations as people read them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  const sec = Math.round((ms % 60_000) / 1000);
  return sec ? `${min} min ${sec} s` : `${min} min`;
}

/** A relative age with the absolute time in its tooltip and `dateTime`. */
export function RelativeTime({ ms }: { ms: number | undefined }) {
  if (!ms) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const date = new Date(ms);
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString()} className="whitespace-nowrap">
      {formatRelative(ms)}
    </time>
  );
}
