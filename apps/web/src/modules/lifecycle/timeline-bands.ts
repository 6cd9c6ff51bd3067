// Pure layout of an app's release timeline: one row per deployment, one band per live interval.
import type { LifecycleEvent, LiveInterval } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";

export interface TimelineBand {
  key: string;
  fromMs: number;
  toMs: number;
  live: boolean;
  weight: number;
  rollback: boolean;
  /** Position along the axis, in percent of its width. */
  left: number;
  width: number;
}

export interface TimelineRow {
  deploymentSeq: number;
  bands: TimelineBand[];
}

export interface TimelineMark {
  key: string;
  kind: string;
  atMs: number;
  left: number;
  label: string;
}

export interface TimelineLayout {
  fromMs: number;
  toMs: number;
  rows: TimelineRow[];
  marks: TimelineMark[];
}

const pct = (ms: number, from: number, span: number) =>
  Math.min(100, Math.max(0, ((ms - from) / span) * 100));

/**
 * Rows (newest deployment first) of bands between `fromMs` and `nowMs`; an open interval runs to now. Rollbacks
 * are marks on the axis, as are the given events. A band never gets narrower than a visible sliver.
 */
export function timelineLayout(
  intervals: readonly LiveInterval[],
  events: readonly LifecycleEvent[],
  fromMs: number,
  nowMs: number,
): TimelineLayout {
  const span = Math.max(1, nowMs - fromMs);
  const rows = new Map<number, TimelineRow>();
  for (const i of intervals) {
    const start = Math.max(fromMs, i.from ? timestampMs(i.from) : fromMs);
    const end = Math.min(nowMs, i.to ? timestampMs(i.to) : nowMs);
    if (end < start) continue;
    const row = rows.get(i.deploymentSeq) ?? { deploymentSeq: i.deploymentSeq, bands: [] };
    const left = pct(start, fromMs, span);
    row.bands.push({
      key: `${i.releaseId}/${i.deploymentId}`,
      fromMs: start,
      toMs: end,
      live: !i.to,
      weight: i.weight,
      rollback: i.rollback,
      left,
      width: Math.max(0.5, Math.min(100 - left, pct(end, fromMs, span) - left)),
    });
    rows.set(i.deploymentSeq, row);
  }
  const marks = events
    .filter((e) => e.time)
    .map((e) => {
      const atMs = timestampMs(e.time!);
      return {
        key: e.id,
        kind: e.kind,
        atMs,
        left: pct(atMs, fromMs, span),
        label: `${e.kind}${e.reason ? `: ${e.reason}` : ""}`,
      };
    });
  return {
    fromMs,
    toMs: nowMs,
    rows: [...rows.values()].sort((a, b) => b.deploymentSeq - a.deploymentSeq),
    marks,
  };
}

/** "2 h 5 min", "3 d 4 h", "45 s": how long something served. */
export function servedFor(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
