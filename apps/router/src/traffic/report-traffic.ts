import { setTimeout as sleep } from "node:timers/promises";
import type { TrafficDelta } from "./traffic-recorder.js";

export interface TrafficReportsOptions {
  drain(): TrafficDelta[];
  send(deltas: TrafficDelta[]): Promise<void> | void;
  intervalMs?: number;
  signal: AbortSignal;
  log(message: string): void;
}

/**
 * Sends what the router served, about once a second and only when there was traffic. Counts are deltas: a report
 * the server did not take (it is away) is dropped, not retried, so an outage costs the metrics of its own seconds
 * and never piles up memory.
 */
export async function reportTraffic(options: TrafficReportsOptions): Promise<void> {
  const intervalMs = options.intervalMs ?? 1000;
  let failing = false;
  while (!options.signal.aborted) {
    try {
      await sleep(intervalMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
    const deltas = options.drain();
    if (deltas.length === 0) continue;
    try {
      await options.send(deltas);
      if (failing) options.log("traffic reports reach the server again");
      failing = false;
    } catch (err) {
      if (!failing)
        options.log(`cannot report traffic to the server (${(err as Error).message}); dropping it`);
      failing = true;
    }
  }
}
