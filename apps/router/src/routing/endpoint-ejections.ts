import { connect } from "node:net";
import type { RouteEndpoint } from "@berth/proto";

/** Endpoints this router saw refusing connections, until a connect check succeeds again. */
export interface EndpointEjections {
  /** A connection to it was refused: send new requests elsewhere while another endpoint can take them. */
  eject(endpoint: RouteEndpoint): void;
  usable(endpoint: RouteEndpoint): boolean;
  /** Forgets endpoints no longer in the table (a new table replaced them). */
  retain(endpoints: readonly RouteEndpoint[]): void;
  close(): void;
}

const addressOf = (e: RouteEndpoint) => `${e.host}:${e.port}`;

/** True when something accepts a TCP connection there within `timeoutMs`. */
function canConnect(endpoint: RouteEndpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Passive health between the server's checks: the server's table says which instances passed their health
 * check, but it may be a moment old, or the server may be down. An endpoint that refuses a connection is
 * moved to the back of the line and re-checked every `recheckMs` until it accepts one again.
 */
export function createEndpointEjections(recheckMs = 250): EndpointEjections {
  const ejected = new Map<string, NodeJS.Timeout>();
  const recheck = (endpoint: RouteEndpoint) => {
    const address = addressOf(endpoint);
    const timer = setTimeout(async () => {
      if (ejected.get(address) !== timer) return;
      if (await canConnect(endpoint, recheckMs)) ejected.delete(address);
      else if (ejected.get(address) === timer) recheck(endpoint);
    }, recheckMs);
    timer.unref();
    ejected.set(address, timer);
  };
  return {
    eject(endpoint) {
      if (!ejected.has(addressOf(endpoint))) recheck(endpoint);
    },
    usable: (endpoint) => !ejected.has(addressOf(endpoint)),
    retain(endpoints) {
      const keep = new Set(endpoints.map(addressOf));
      for (const [address, timer] of ejected)
        if (!keep.has(address)) {
          clearTimeout(timer);
          ejected.delete(address);
        }
    },
    close() {
      for (const timer of ejected.values()) clearTimeout(timer);
      ejected.clear();
    },
  };
}
