import type { WatchEventsResponse } from "@berth/proto";

/** An event for live views, with the project/app it concerns (empty for server-wide events). */
export interface BusEvent {
  project: string;
  app: string;
  event: WatchEventsResponse["event"];
}

export interface EventFilter {
  project?: string;
  app?: string;
}

/** In-process fan-out of catalog changes to WatchEvents streams. */
export interface EventBus {
  publish(event: BusEvent): void;
  /**
   * Events matching the filter until the signal aborts. A subscriber that falls 1,000 events behind is ended
   * with {@link EventsMissedError}: it must refetch what it shows and subscribe again.
   */
  subscribe(filter: EventFilter, signal: AbortSignal): AsyncIterable<BusEvent>;
}

const maxQueued = 1000;

/**
 * A subscriber fell too far behind and events were dropped (Coder's ErrDroppedMessages): what it built
 * from the stream is stale, so it must resync (refetch) and subscribe again.
 */
export class EventsMissedError extends Error {
  override name = "EventsMissedError";
  constructor() {
    super(`the subscriber fell more than ${maxQueued} events behind and missed events; resync`);
  }
}

/** Creates an event bus for one server. */
export function createEventBus(): EventBus {
  const subscribers = new Set<(e: BusEvent) => void>();
  return {
    publish(event) {
      for (const deliver of subscribers) deliver(event);
    },
    async *subscribe(filter, signal) {
      const queue: BusEvent[] = [];
      let missed = false;
      let wake: (() => void) | undefined;
      const deliver = (e: BusEvent) => {
        if (missed) return;
        if (filter.project && e.project && e.project !== filter.project) return;
        if (filter.app && e.app && e.app !== filter.app) return;
        queue.push(e);
        if (queue.length > maxQueued) {
          // The reader must resync anyway: the queued events are of no use to it, so free them now.
          missed = true;
          queue.length = 0;
        }
        wake?.();
      };
      const onAbort = () => wake?.();
      subscribers.add(deliver);
      signal.addEventListener("abort", onAbort);
      try {
        while (!signal.aborted) {
          if (missed) throw new EventsMissedError();
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      } finally {
        subscribers.delete(deliver);
        signal.removeEventListener("abort", onAbort);
      }
    },
  };
}
