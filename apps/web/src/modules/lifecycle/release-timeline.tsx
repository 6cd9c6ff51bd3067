import type { LifecycleEvent, LiveInterval } from "@berth/proto";
import { servedFor, timelineLayout } from "./timeline-bands.js";

/**
 * Bands by deployment across the last week: one row per deployment, a band per interval it served (its opacity
 * its weight), rollbacks marked on the axis. Each band is a button that picks its start time.
 */
export function ReleaseTimeline({
  intervals,
  events,
  fromMs,
  nowMs,
  onPick,
}: {
  intervals: readonly LiveInterval[];
  events: readonly LifecycleEvent[];
  fromMs: number;
  nowMs: number;
  onPick: (ms: number) => void;
}) {
  const layout = timelineLayout(
    intervals,
    events.filter((e) => e.kind === "rollback"),
    fromMs,
    nowMs,
  );
  return (
    <figure aria-label="Release timeline" className="mt-4 space-y-1">
      {layout.rows.map((row) => (
        <div key={row.deploymentSeq} className="flex items-center gap-2">
          <span className="w-10 shrink-0 text-right text-xs font-medium">v{row.deploymentSeq}</span>
          <div className="relative h-4 flex-1 rounded bg-zinc-100 dark:bg-zinc-900">
            {row.bands.map((b) => (
              <button
                key={b.key}
                type="button"
                onClick={() => onPick(b.fromMs)}
                aria-label={`v${row.deploymentSeq} ${b.weight}% from ${new Date(b.fromMs).toLocaleString()} ${
                  b.live ? "until now" : `for ${servedFor(b.toMs - b.fromMs)}`
                }${b.rollback ? " (rollback)" : ""}`}
                title={`v${row.deploymentSeq} ${b.weight}%${b.rollback ? " · rollback" : ""}`}
                className={`absolute top-0 h-4 rounded ${b.rollback ? "bg-amber-500" : "bg-indigo-500"}`}
                style={{ left: `${b.left}%`, width: `${b.width}%`, opacity: 0.35 + (0.65 * b.weight) / 100 }}
              />
            ))}
          </div>
        </div>
      ))}
      <div className="relative ml-12 h-3" aria-hidden="true">
        {layout.marks.map((m) => (
          <span
            key={m.key}
            title={m.label}
            className="absolute top-0 h-3 w-0.5 bg-amber-600"
            style={{ left: `${m.left}%` }}
          />
        ))}
      </div>
      <figcaption className="flex justify-between text-xs text-zinc-500 dark:text-zinc-400">
        <span>{new Date(layout.fromMs).toLocaleString()}</span>
        <span>now</span>
      </figcaption>
    </figure>
  );
}
