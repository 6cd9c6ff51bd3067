import { type WatchEventsResponse, WatchEventsResponseSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { type BusEvent, type EventBus, type EventFilter, EventsMissedError } from "./event-bus.js";

export interface WatchEventsOptions {
  /** How often a heartbeat goes out when nothing else does. Default 15 s. */
  heartbeatMs?: number;
}

/**
 * The events of a bus that match the filter, as WatchEvents responses: one heartbeat first (so the caller knows
 * the subscription is live), then events as they come, with a heartbeat after every quiet `heartbeatMs`.
 * Ends when the signal aborts. A reader too slow to keep up is ended with `Aborted`: it missed events and must
 * refetch what it shows, then watch again (the dashboard does both on reconnect).
 */
export async function* watchEvents(
  bus: EventBus,
  filter: EventFilter,
  signal: AbortSignal,
  options: WatchEventsOptions = {},
): AsyncGenerator<WatchEventsResponse> {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const heartbeat = () =>
    create(WatchEventsResponseSchema, { time: timestampNow(), event: { case: "heartbeat", value: true } });
  const events = bus.subscribe(filter, signal)[Symbol.asyncIterator]();
  // Subscribe before the first heartbeat: it promises the caller that nothing published after it is lost.
  let pending: Promise<IteratorResult<BusEvent>> | undefined = events.next();
  try {
    yield heartbeat();
    while (!signal.aborted) {
      pending ??= events.next();
      let timer: NodeJS.Timeout | undefined;
      const tick = new Promise<"tick">((resolve) => {
        timer = setTimeout(() => resolve("tick"), heartbeatMs);
      });
      const winner = await Promise.race([pending, tick]);
      clearTimeout(timer);
      if (winner === "tick") {
        yield heartbeat();
        continue;
      }
      pending = undefined;
      if (winner.done) return;
      yield create(WatchEventsResponseSchema, { time: timestampNow(), event: winner.value.event });
    }
  } catch (err) {
    if (err instanceof EventsMissedError)
      throw new ConnectError(
        "this event stream fell behind and missed events; refetch, then watch again",
        Code.Aborted,
        undefined,
        undefined,
        err,
      );
    throw err;
  } finally {
    pending?.catch(() => {});
    await events.return?.();
  }
}
