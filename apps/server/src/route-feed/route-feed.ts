import type { RouteTable } from "@berth/proto";
import { buildRouteTable, type RouteTableSources } from "./build-route-table.js";

/** The server's route table, rebuilt after every change and streamed to routers. */
export interface RouteFeed {
  /** Something routes depend on changed (release, deployment, instance): rebuild soon. */
  changed(): void;
  /** Starts publishing: call once the platform re-adopted running instances (before, a table would be empty). */
  open(): void;
  /** Resolves once a table reflecting every change signalled so far is published. */
  settled(): Promise<void>;
  /** The current table, then each newer one (a slow reader skips to the newest), until the signal aborts. */
  watch(signal: AbortSignal): AsyncGenerator<RouteTable>;
  /**
   * Calls `listener` with the current table (if any) and then with every new one, synchronously as each is
   * published: a router in this process then serves a release before `settled()` resolves.
   */
  subscribe(listener: (table: RouteTable) => void): () => void;
  /** How many routers follow the feed now. */
  readonly watchers: number;
}

/**
 * Rebuilds whole tables (they are small: live deployments only) instead of patching them: a table can then
 * never drift from the store, and a router reconnecting after any outage needs nothing but the latest one.
 * Changes that arrive while a table is being built cause one more build, never one per change.
 */
export function createRouteFeed(sources: RouteTableSources, onError: (err: unknown) => void): RouteFeed {
  let current: RouteTable | undefined;
  let lastVersion = 0n;
  let opened = false;
  let requested = 0;
  let published = 0;
  let building = false;
  let watchers = 0;
  const wakeups = new Set<() => void>();
  const listeners = new Set<(table: RouteTable) => void>();

  const publish = (table: RouteTable, generation: number) => {
    current = table;
    published = generation;
    for (const listener of listeners) listener(table);
    for (const wake of [...wakeups]) wake();
  };

  const build = async () => {
    building = true;
    try {
      while (published < requested) {
        const generation = requested;
        // Versions stay increasing across restarts of the server, without storing a counter.
        const version = BigInt(Date.now()) > lastVersion ? BigInt(Date.now()) : lastVersion + 1n;
        lastVersion = version;
        try {
          publish(await buildRouteTable(sources, version), generation);
        } catch (err) {
          onError(err);
          // The next change retries; settled() callers must not wait forever meanwhile.
          published = generation;
          for (const wake of [...wakeups]) wake();
        }
      }
    } finally {
      building = false;
    }
  };

  const changed = () => {
    requested++;
    if (opened && !building) setImmediate(() => void (building ? undefined : build()));
  };

  const nextWake = (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        wakeups.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      wakeups.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });

  return {
    changed,
    open() {
      opened = true;
      changed();
    },
    async settled() {
      changed();
      const target = requested;
      const never = new AbortController().signal;
      while (published < target) await nextWake(never);
    },
    async *watch(signal) {
      watchers++;
      try {
        let sent: RouteTable | undefined;
        while (!signal.aborted) {
          if (current && current !== sent) {
            sent = current;
            yield current;
            continue;
          }
          await nextWake(signal);
        }
      } finally {
        watchers--;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      if (current) listener(current);
      return () => listeners.delete(listener);
    },
    get watchers() {
      return watchers;
    },
  };
}
