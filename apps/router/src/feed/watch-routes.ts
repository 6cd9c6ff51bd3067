import { setTimeout as sleep } from "node:timers/promises";
import type { RouterService, RouteTable } from "@berth/proto";
import { type Client, Code, ConnectError } from "@connectrpc/connect";

export interface WatchRoutesOptions {
  /** A RouterService client (createRouterClient). */
  client: Client<typeof RouterService>;
  routerName: string;
  signal: AbortSignal;
  onTable(table: RouteTable): void;
  /** Connection changes, for the router's log: connected, or lost with why. */
  onState(state: { connected: true } | { connected: false; error: string; retryInMs: number }): void;
}

const firstRetryMs = 200;
const maxRetryMs = 5_000;

/**
 * Follows the server's route table for as long as the signal lives: reconnects with capped backoff after
 * any failure (a server restart, an outage, a revoked token that an operator may yet replace), and never
 * gives up, because the router keeps serving its last table meanwhile.
 */
export async function watchRoutes(options: WatchRoutesOptions): Promise<void> {
  const { client } = options;
  let delay = firstRetryMs;
  while (!options.signal.aborted) {
    let error: string;
    try {
      let announced = false;
      for await (const res of client.watchRoutes(
        { routerName: options.routerName },
        { signal: options.signal },
      )) {
        if (!announced) {
          options.onState({ connected: true });
          announced = true;
          delay = firstRetryMs;
        }
        if (res.table) options.onTable(res.table);
      }
      error = "the server ended the stream";
    } catch (err) {
      if (options.signal.aborted) return;
      const e = ConnectError.from(err);
      error =
        e.code === Code.Unauthenticated || e.code === Code.PermissionDenied
          ? `the server refused the router token (${e.rawMessage})`
          : e.rawMessage;
    }
    const retryInMs = Math.round(delay * (0.5 + Math.random() * 0.5));
    options.onState({ connected: false, error, retryInMs });
    try {
      await sleep(retryInMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
    delay = Math.min(maxRetryMs, delay * 2);
  }
}
