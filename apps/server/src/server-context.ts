import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { TokenStreams } from "./auth/token-streams.js";
import type { EventBus } from "./events/event-bus.js";
import type { NotificationDispatcher } from "./notifications/notification-dispatcher.js";
import type { ServerOptions } from "./server-options.js";
import type { Store } from "./store/open-store.js";

/** A stop hook registered with {@link ServerContext.onClose}. */
export type CloseHook = () => Promise<void> | void;

/**
 * What every part of a running server shares. Subsystems (jobs, platforms, router, logs, exec) add
 * their own handles here as they are built, so services reach them without globals.
 *
 * Lifecycle, in order (see start-server.ts):
 * 1. the store opens and migrates, the bootstrap token is minted on the very first start;
 * 2. services are registered on the router (services/register-services.ts);
 * 3. the API port listens (`apiUrl`/`apiPort` are set);
 * 4. subsystems start (start-subsystems.ts): each may set its own fields (e.g. `routerPort`) and
 *    registers its stop with `ctx.onClose(fn)`;
 * 5. on close(): `shutdownSignal` aborts (streams end), listeners stop, close hooks run in reverse
 *    order of registration, then the store closes.
 */
export interface ServerContext {
  options: ServerOptions;
  store: Store;
  /** This server's id among the replicas sharing the store (stable across its restarts: kept in the data dir). */
  replicaId: string;
  events: EventBus;
  logger: Logger;
  /** The Prometheus registry served at /metrics; subsystems register their own metrics on it. */
  metrics: Registry;
  /** The streams open under each token: revoking a token ends them (auth/tokens.ts `revokeToken`). */
  tokenStreams: TokenStreams;
  /** Aborted when the server starts shutting down: long-lived streams and loops end on it. */
  shutdownSignal: AbortSignal;
  /** Registers a stop hook. Hooks run in reverse order after the API stops, before the store closes. */
  onClose(hook: CloseHook): void;
  /** The API's base URL, e.g. http://127.0.0.1:9701 (set once the API listens, before subsystems start). */
  apiUrl: string;
  /** The port the API listens on (the real one when options.apiPort is 0). */
  apiPort: number;
  /** The URL router's port; the router subsystem sets it when it listens (0 until then). */
  routerPort: number;
  /** Apps ("project/app") a release is being made of in this process: a second one at once is refused. */
  releasing: Set<string>;
  /** Sends queued notifications; set by the notifications subsystem when it starts. */
  notifier?: Pick<NotificationDispatcher, "wake">;
}
