import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type EventPointer, maxPointerBytes, parsePointer } from "../events/event-pointer.js";

/** The NOTIFY channel of catalog events (one per database, so each test database is its own world). */
export const eventChannel = "berth_events";

export interface EventRelayOptions {
  /** The database's URL: the listener holds a connection of its own, outside the store's pool. */
  url: string;
  /** PostgreSQL's application_name of the connection (the replica's, so it is ended with the replica's others). */
  applicationName?: string;
  /** Pointers from other replicas (and from this one: callers skip their own). */
  onPointer(pointer: EventPointer): void;
  /** The listener reconnected: events may have been missed meanwhile; rebuild what depends on them. */
  onResync(): void;
  onError(err: unknown): void;
}

/** Sends pointers with NOTIFY, in the order they are given. */
export interface EventSender {
  send(pointer: EventPointer): void;
  /** Resolves once every pointer handed over so far is sent (or failed). */
  flush(): Promise<void>;
}

/**
 * NOTIFY through the store's pool. One chain keeps pointers in publish order (pooled connections would race);
 * a NOTIFY outside a transaction is delivered at once, and only after the change it points at committed.
 */
export function createEventSender(pool: pg.Pool, onError: (err: unknown) => void): EventSender {
  let chain: Promise<void> = Promise.resolve();
  return {
    send(pointer) {
      const payload = JSON.stringify(pointer);
      if (Buffer.byteLength(payload) > maxPointerBytes) {
        onError(
          new Error(`an event pointer of ${payload.length} bytes is too large for NOTIFY (${pointer.k})`),
        );
        return;
      }
      chain = chain
        .then(async () => void (await pool.query("SELECT pg_notify($1, $2)", [eventChannel, payload])))
        .catch(onError);
    },
    flush: () => chain,
  };
}

/**
 * LISTENs for other replicas' pointers on a connection of its own, reconnecting (with a growing pause) when
 * it drops; after a reconnect `onResync` runs, since NOTIFYs sent while nobody listened are gone.
 */
export async function startEventRelay(options: EventRelayOptions): Promise<{ close(): Promise<void> }> {
  const stop = new AbortController();
  let client: pg.Client | undefined;

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: options.url, application_name: options.applicationName });
    // A dropped connection is an error event; the loop below notices it ("end") and reconnects.
    c.on("error", () => {});
    c.on("notification", (msg) => {
      if (msg.channel !== eventChannel || !msg.payload) return;
      const pointer = parsePointer(msg.payload);
      if (pointer) options.onPointer(pointer);
    });
    await c.connect();
    await c.query(`LISTEN ${eventChannel}`);
    return c;
  }

  async function keepListening(first: pg.Client): Promise<void> {
    let current: pg.Client | undefined = first;
    let pauseMs = 100;
    while (!stop.signal.aborted) {
      if (current) {
        client = current;
        const c = current;
        await new Promise<void>((resolve) => {
          c.once("error", () => resolve());
          c.once("end", () => resolve());
          stop.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        await c.end().catch(() => {});
        current = undefined;
        pauseMs = 100;
        continue;
      }
      await sleep(pauseMs, undefined, { signal: stop.signal }).catch(() => {});
      if (stop.signal.aborted) return;
      try {
        current = await connect();
        options.onResync();
      } catch (err) {
        options.onError(err);
        pauseMs = Math.min(pauseMs * 2, 5_000);
      }
    }
  }

  const first = await connect();
  const loop = keepListening(first).catch(options.onError);
  return {
    async close() {
      stop.abort();
      await loop;
      await client?.end().catch(() => {});
    },
  };
}
