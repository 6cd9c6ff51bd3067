import type { BusEvent, EventBus } from "./event-bus.js";
import { type EventPointer, pointerOf } from "./event-pointer.js";

/** A bus whose events also reach the other replicas (as pointers), and which takes theirs in. */
export interface ReplicatedEventBus extends EventBus {
  /** Publishes on this replica only: an event another replica published, read back from the store. */
  publishLocal(event: BusEvent): void;
}

/**
 * Wraps this replica's bus: every event is published here and its pointer handed to `send` (which tells the
 * other replicas). Events that came from another replica go through `publishLocal`, so they never echo back.
 */
export function createReplicatedEventBus(
  local: EventBus,
  origin: string,
  send: (pointer: EventPointer) => void,
): ReplicatedEventBus {
  return {
    publish(event) {
      local.publish(event);
      const pointer = pointerOf(origin, event);
      if (pointer) send(pointer);
    },
    publishLocal: (event) => local.publish(event),
    subscribe: (filter, signal) => local.subscribe(filter, signal),
  };
}
