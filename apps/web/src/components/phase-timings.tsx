import type { PhaseTiming } from "@berth/proto";
import { formatDuration } from "@berth/ui/relative-time";

const colours = [
  "bg-sky-500",
  "bg-violet-500",
  "bg-emerald-500",
  "bg-amber-500",
  "bg-pink-500",
  "bg-zinc-500",
];

/** Phase timings (build / push / deploy / health / release) as a horizontal bar per phase; plain CSS. */
export function PhaseTimings({ timings }: { timings: readonly PhaseTiming[] }) {
  if (timings.length === 0)
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No timings recorded.</p>;
  const max = Math.max(...timings.map((t) => t.durationMs), 1);
  const total = timings.reduce((sum, t) => sum + t.durationMs, 0);
  return (
    <figure aria-label="Phase timings">
      <ul className="space-y-1">
        {timings.map((t, i) => (
          <li key={t.phase} className="grid grid-cols-[5rem_1fr_4.5rem] items-center gap-2 text-sm">
            <span className="text-zinc-600 dark:text-zinc-400">{t.phase}</span>
            <span className="h-3 rounded bg-zinc-100 dark:bg-zinc-800">
              <span
                className={`block h-3 rounded ${colours[i % colours.length]}`}
                style={{ width: `${Math.max(2, (t.durationMs / max) * 100)}%` }}
              />
            </span>
            <span className="text-right tabular-nums">{formatDuration(t.durationMs)}</span>
          </li>
        ))}
      </ul>
      <figcaption className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        Total {formatDuration(total)}
      </figcaption>
    </figure>
  );
}
