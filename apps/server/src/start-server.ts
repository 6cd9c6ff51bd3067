import { setMaxListeners } from "node:events";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { type AuthFailureLimit, createAuthFailureLimiter } from "./auth/auth-failure-limiter.js";
import { ensureBootstrapToken } from "./auth/bootstrap-token.js";
import { createTokenStreams } from "./auth/token-streams.js";
import { lockDataDir } from "./data-dir-lock.js";
import { createEventBus } from "./events/event-bus.js";
import { createReplicatedEventBus } from "./events/replicated-event-bus.js";
import { shipCommit } from "./git/ship-commit.js";
import { createHttpHandler } from "./http/create-http-handler.js";
import { createRpcHandler } from "./http/create-rpc-handler.js";
import { listenApi } from "./http/listen-api.js";
import { remoteAddressValues } from "./http/remote-address.js";
import { createAuthInterceptor } from "./interceptors/auth-interceptor.js";
import { createErrorInterceptor } from "./interceptors/error-interceptor.js";
import { createMetricsInterceptor } from "./interceptors/metrics-interceptor.js";
import { createValidationInterceptor } from "./interceptors/validation-interceptor.js";
import { builtinRunnerIdOf, engineOf } from "./lifecycle/engine.js";
import { createMetricsRegistry } from "./metrics/metrics-registry.js";
import { closePreview } from "./previews/close-preview.js";
import { shipPreview } from "./previews/ship-preview.js";
import { createEventSender } from "./replicas/event-relay.js";
import { loadReplicaId, replicaApplicationName } from "./replicas/replica-id.js";
import { makeDataDirPrivate } from "./sandbox/private-data-dir.js";
import type { CloseHook, ServerContext } from "./server-context.js";
import type { ServerOptions } from "./server-options.js";
import { registerServices } from "./services/register-services.js";
import { startSubsystems } from "./start-subsystems.js";
import { openStore, type Store } from "./store/open-store.js";
import { createWebhookEndpoint } from "./webhooks/webhook-endpoint.js";
import { toWebhookDeliveryProto } from "./webhooks/webhook-protos.js";

export interface StartServerOptions extends ServerOptions {
  /** Defaults to a pino logger on stdout at BERTH_LOG_LEVEL (info). */
  logger?: Logger;
  /** Failed authentications allowed per client address and window; default 20 per minute. */
  authFailureLimit?: AuthFailureLimit;
  /** Proxies whose X-Forwarded-For names the client (BERTH_TRUSTED_PROXIES); default: none. */
  trustedProxies?: readonly string[];
  /** How long close() lets in-flight requests finish before dropping connections. Default 5 s. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  ctx: ServerContext;
  /** e.g. http://127.0.0.1:9701 */
  apiUrl: string;
  apiPort: number;
  /** The URL router's port (0 until a router subsystem listens). */
  routerPort: number;
  /** The admin login token minted on the very first start of this data dir; undefined afterwards. */
  bootstrapToken?: string;
  /** Graceful shutdown: ends streams, stops listeners, runs close hooks, closes the store. Idempotent. */
  close(): Promise<void>;
}

/** Starts a Berth server: store, services, the API port (gRPC h2c + Connect + gRPC-Web), then subsystems. */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const {
    logger: givenLogger,
    shutdownGraceMs = 5000,
    authFailureLimit,
    trustedProxies,
    ...serverOptions
  } = options;
  const logger = givenLogger ?? pino({ name: "berth", level: process.env.BERTH_LOG_LEVEL ?? "info" });
  makeDataDirPrivate(serverOptions.dataDir);
  const lock = lockDataDir(serverOptions.dataDir);
  let store: Store;
  let replicaId: string;
  try {
    replicaId = loadReplicaId(serverOptions.dataDir);
    store = await openStore(
      serverOptions.store
        ? { url: serverOptions.store, applicationName: replicaApplicationName(replicaId) }
        : { path: join(serverOptions.dataDir, "berth.db") },
    );
  } catch (e) {
    lock.release();
    throw e;
  }
  // Two steps: `shutdown` asks handlers to finish (streams end cleanly); `force` aborts whatever is still
  // running once the grace period is over.
  const shutdown = new AbortController();
  const force = new AbortController();
  // Every open stream listens on these; hundreds of followers are normal, not a leak.
  setMaxListeners(0, shutdown.signal, force.signal);
  const closeHooks: CloseHook[] = [];
  // On PostgreSQL other replicas may share the store: events also go to them, as pointers through NOTIFY.
  const sender =
    store.dialect === "postgres"
      ? createEventSender(store.pool, (err) =>
          logger.warn({ err }, "telling other replicas about an event failed"),
        )
      : undefined;
  const ctx: ServerContext = {
    options: serverOptions,
    store,
    replicaId,
    releasing: new Set(),
    events: sender ? createReplicatedEventBus(createEventBus(), replicaId, sender.send) : createEventBus(),
    logger,
    metrics: createMetricsRegistry(),
    tokenStreams: createTokenStreams(),
    shutdownSignal: shutdown.signal,
    onClose: (hook) => void closeHooks.push(hook),
    apiUrl: "",
    apiPort: 0,
    routerPort: 0,
  };

  const runHooks = async () => {
    for (const hook of closeHooks.reverse()) {
      try {
        await hook();
      } catch (e) {
        logger.error({ err: e }, "a close hook failed");
      }
    }
    closeHooks.length = 0;
  };

  let listener: Awaited<ReturnType<typeof listenApi>> | undefined;
  try {
    const bootstrapToken = await ensureBootstrapToken(store.db);
    const rpc = createRpcHandler({
      routes: (router) => registerServices(router, ctx),
      interceptors: [
        createMetricsInterceptor(ctx.metrics),
        createErrorInterceptor(logger),
        createAuthInterceptor({
          db: store.db,
          streams: ctx.tokenStreams,
          failures: createAuthFailureLimiter(authFailureLimit),
          trustedProxies,
        }),
        createValidationInterceptor(),
      ],
      shutdownSignal: force.signal,
      contextValues: remoteAddressValues,
      // Strict JSON: an unknown field or enum name ({"role":"ROLE_GOD"}) is an error, not silently dropped.
      jsonOptions: { ignoreUnknownFields: false },
      logger,
    });
    listener = await listenApi({
      host: serverOptions.host,
      port: serverOptions.apiPort,
      handler: createHttpHandler({
        rpc,
        metrics: ctx.metrics,
        shutdownSignal: shutdown.signal,
        webhooks: createWebhookEndpoint({
          db: store.db,
          ship: async (input) => (await shipCommit(ctx, engineOf(ctx), input)).id,
          canBuild: () => engineOf(ctx).hub.isConnected(builtinRunnerIdOf(ctx)),
          previews: {
            ship: (preview, fullName) => shipPreview(ctx, engineOf(ctx), preview, fullName),
            close: (preview, reason) => closePreview(ctx, engineOf(ctx), preview, reason),
            canBuild: () => engineOf(ctx).hub.isConnected(builtinRunnerIdOf(ctx)),
          },
          recorded: (row) =>
            ctx.events.publish({
              project: row.project,
              app: "",
              event: { case: "webhookDelivery", value: toWebhookDeliveryProto(row) },
            }),
          warn: (fields, message) => logger.warn(fields, message),
        }),
      }),
    });
    ctx.apiPort = listener.port;
    ctx.apiUrl = `http://${urlHost(serverOptions.host)}:${listener.port}`;
    await startSubsystems(ctx);
    logger.info(
      { apiUrl: ctx.apiUrl, dataDir: serverOptions.dataDir, store: store.name },
      "berth server listening",
    );
    if (bootstrapToken) logger.warn("first start: created the bootstrap admin token (shown once)");

    let closing: Promise<void> | undefined;
    const api = listener;
    return {
      ctx,
      apiUrl: ctx.apiUrl,
      apiPort: ctx.apiPort,
      get routerPort() {
        return ctx.routerPort;
      },
      bootstrapToken,
      close() {
        closing ??= (async () => {
          logger.info("berth server shutting down");
          shutdown.abort();
          const forceTimer = setTimeout(() => force.abort(), shutdownGraceMs);
          await api.close(shutdownGraceMs);
          clearTimeout(forceTimer);
          force.abort();
          await runHooks();
          await sender?.flush();
          await store.close();
          lock.release();
          logger.info("berth server stopped");
        })();
        return closing;
      },
    };
  } catch (e) {
    shutdown.abort();
    force.abort();
    await listener?.close(0);
    await runHooks();
    await store.close();
    lock.release();
    throw e;
  }
}

/** A host as it goes in a URL: IPv6 in brackets, the wildcard replaced by loopback. */
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
