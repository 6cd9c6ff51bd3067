// One way to reach the server from the CLI: gRPC over HTTP/2 with the context's bearer token.
import { createFailoverTransport, isConnectionLost, neverSent, parseServerAddresses } from "@berth/failover";
import type { DescService } from "@bufbuild/protobuf";
import {
  type Client,
  Code,
  ConnectError,
  createClient,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type CliContext, currentContext } from "../contexts/context-store.js";
import { isMutating, outcomeUnknownError } from "./connection-lost.js";

export interface ApiTarget {
  /** The server's address, or several separated by commas (replicas, tried in turn). */
  server: string;
  token: string;
}

/**
 * A gRPC (HTTP/2) transport to the server that sends the token as a Bearer header on every call. Given several
 * addresses, calls fail over to the next when one does not answer: reads are sent again, changes only when
 * the server cannot have received them.
 */
export function createApiTransport(target: ApiTarget): Transport {
  const addresses = parseServerAddresses(target.server, "server");
  if (addresses.length === 1) return addressTransport(addresses[0]!, target.token);
  return createFailoverTransport({
    addresses,
    transportFor: (address) => addressTransport(address, target.token),
    onFailover(from, to, reason) {
      process.stderr.write(
        `berth: the server at ${from} did not answer (${reason.rawMessage}); trying ${to}\n`,
      );
    },
  });
}

/** The transport to one server address. */
function addressTransport(server: string, token: string): Transport {
  const bearer: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  // An unreachable server is the most common first error: say which address was tried. A change whose
  // request went out before the connection dropped is another matter: its outcome is unknown.
  const unreachable: Interceptor = (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      const err = ConnectError.from(e);
      if (req.signal.aborted || !isConnectionLost(err)) throw err;
      if (!neverSent(err) && isMutating(req.method)) {
        throw outcomeUnknownError(`${req.method.parent.name}.${req.method.name} request`, server, err);
      }
      if (err.code !== Code.Unavailable) throw err;
      throw new ConnectError(
        `cannot reach the server at ${server} (${err.rawMessage}); is it running?`,
        Code.Unavailable,
        undefined,
        undefined,
        err,
      );
    }
  };
  // No gzip: the streams that matter here are interactive (exec, logs -f), and compressing each small message
  // halved `berth exec -t` throughput and quadrupled its Ctrl-C time in bench/.
  return createGrpcTransport({
    baseUrl: server,
    interceptors: [unreachable, bearer],
    acceptCompression: [],
  });
}

/** Clients for any berth.v1 service over one transport. */
export interface ApiClient {
  context: CliContext;
  transport: Transport;
  client<S extends DescService>(service: S): Client<S>;
}

/** An API client for the current (or named) context; throws "not logged in" when there is none. */
export function createApiClient(contextName?: string): ApiClient {
  const context = currentContext(contextName);
  const transport = createApiTransport(context);
  return { context, transport, client: (service) => createClient(service, transport) };
}
