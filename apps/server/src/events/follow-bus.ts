import { type BusEvent, type EventBus, type EventFilter, EventsMissedError } from "./event-bus.js";

/** What an in-process follower of the bus does with events, and after it missed some. */
export interface BusFollower {
  event(e: BusEvent): void;
  /** Called after the follower fell behind and events were dropped: rebuild from the source of truth. */
  resync(): void;
}

/**
 * Follows the bus until the signal aborts: each event goes to `follower.event`; when the follower fell behind
 * it is resynced and subscribed again, so a burst of events never silently leaves it stale.
 */
export async function followBus(
  bus: EventBus,
  filter: EventFilter,
  signal: AbortSignal,
  follower: BusFollower,
): Promise<void> {
  while (!signal.aborted) {
    try {
      for await (const e of bus.subscribe(filter, signal)) follower.event(e);
    } catch (err) {
      if (!(err instanceof EventsMissedError)) throw err;
      follower.resync();
    }
  }
}
