// How long deployments served, from their live intervals.
import type { LiveIntervalTable } from "../store/schema.js";

export interface Served {
  deploymentId: string;
  servedMs: number;
  live: boolean;
}

/** Total serving time per deployment (an open interval counts until `now`), in first-served order. */
export function servedTimes(intervals: readonly LiveIntervalTable[], now: number): Served[] {
  const out = new Map<string, Served>();
  for (const i of [...intervals].sort((a, b) => a.from_time - b.from_time)) {
    const s = out.get(i.deployment_id) ?? { deploymentId: i.deployment_id, servedMs: 0, live: false };
    s.servedMs += Math.max(0, (i.to_time ?? now) - i.from_time);
    if (i.to_time === null) s.live = true;
    out.set(i.deployment_id, s);
  }
  return [...out.values()];
}
