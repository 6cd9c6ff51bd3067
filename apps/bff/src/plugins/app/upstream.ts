import { createFailoverTransport } from "@berth/failover";
import { AuthService } from "@berth/proto";
import type { DescService } from "@bufbuild/protobuf";
import {
  type CallOptions,
  type Client,
  Code,
  ConnectError,
  createClient,
  type Transport,
} from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Whether the server answered a probe, and how fast. */
export interface ServerProbe {
  reachable: boolean;
  latencyMs: number;
  error?: string;
}

/** The BFF's connection to the Berth server: gRPC over a shared HTTP/2 session (one per server address). */
export interface Upstream {
  transport: Transport;
  /** The server address calls go to now. */
  readonly address: string;
  /** A typed client for a berth.v1 service (cached per service). */
  client<S extends DescService>(service: S): Client<S>;
  /** Per-call options carrying a session's token; the token goes nowhere else. */
  callOptions(token: string | undefined, signal?: AbortSignal, requestId?: string): CallOptions;
  /** Asks the server something cheap to learn whether it is up (used by /healthz). */
  probe(timeoutMs?: number): Promise<ServerProbe>;
}

declare module "fastify" {
  interface FastifyInstance {
    upstream: Upstream;
  }
}

/** Codes that mean "the server did not answer", as opposed to "the server said no". */
export function isUnreachable(err: ConnectError): boolean {
  return err.code === Code.Unavailable || err.code === Code.DeadlineExceeded;
}

/**
 * Creates the upstream over one server address or several (replicas, tried in turn: a call that finds its server
 * gone moves to the next, reads are sent again); `close()` drops the HTTP/2 sessions so no socket outlives the BFF.
 */
export function createUpstream(
  serverUrls: string[],
  log?: (message: string) => void,
): Upstream & { close(): void } {
  const sessionManagers: Http2SessionManager[] = [];
  const transport = createFailoverTransport({
    addresses: serverUrls,
    transportFor(baseUrl) {
      const sessionManager = new Http2SessionManager(baseUrl, {
        // Pings keep long-lived streams (logs, events, exec) alive through idle NATs and notice a dead server.
        pingIntervalMs: 15_000,
        pingTimeoutMs: 10_000,
      });
      sessionManagers.push(sessionManager);
      // No gzip on this hop: the BFF sits next to the server, and compressing every terminal/log message
      // roughly halved terminal throughput in bench/ (the browser hop compresses where it pays).
      return createGrpcTransport({ baseUrl, sessionManager, acceptCompression: [] });
    },
    onFailover: (from, to, reason) =>
      log?.(`the server at ${from} did not answer (${reason.rawMessage}); trying ${to}`),
  });
  const clients = new Map<string, unknown>();
  const upstream: Upstream & { close(): void } = {
    transport,
    client<S extends DescService>(service: S): Client<S> {
      let client = clients.get(service.typeName) as Client<S> | undefined;
      if (!client) {
        client = createClient(service, transport);
        clients.set(service.typeName, client);
      }
      return client;
    },
    callOptions(token, signal, requestId) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (requestId) headers["x-request-id"] = requestId;
      return { headers, signal };
    },
    async probe(timeoutMs = 2_000) {
      const started = performance.now();
      try {
        // No token: a live server answers Unauthenticated, which is all a probe needs to hear.
        await upstream.client(AuthService).whoAmI({}, { timeoutMs });
        return { reachable: true, latencyMs: performance.now() - started };
      } catch (err) {
        const error = ConnectError.from(err);
        const latencyMs = performance.now() - started;
        if (isUnreachable(error)) return { reachable: false, latencyMs, error: error.rawMessage };
        return { reachable: true, latencyMs };
      }
    },
    get address() {
      return transport.address;
    },
    close() {
      for (const sessionManager of sessionManagers) sessionManager.abort();
    },
  };
  return upstream;
}

/** Decorates `fastify.upstream`, closed with the BFF. */
export default fp(
  async (fastify: FastifyInstance) => {
    const upstream = createUpstream(fastify.config.serverUrls, (message) => fastify.log.warn(message));
    fastify.decorate("upstream", upstream);
    fastify.addHook("onClose", async () => upstream.close());
  },
  { name: "upstream", dependencies: ["config"] },
);
