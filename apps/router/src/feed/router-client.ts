import { createFailoverTransport, type FailoverTransport } from "@berth/failover";
import { RouterService } from "@berth/proto";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

/** A RouterService client and the server address it talks to now. */
export interface RouterClient {
  client: Client<typeof RouterService>;
  transport: FailoverTransport;
}

/**
 * A RouterService client over gRPC with a router-kind token: the only API a router process speaks. Given several
 * server addresses (replicas, or load balancers), a call that finds one gone moves to the next; the route feed's
 * reconnect then lands there and gets the whole table again.
 */
export function createRouterClient(
  serverUrls: string[],
  token: string,
  onFailover?: (from: string, to: string, reason: string) => void,
): RouterClient {
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const transport = createFailoverTransport({
    addresses: serverUrls,
    transportFor: (baseUrl) => createGrpcTransport({ baseUrl, interceptors: [auth], pingIntervalMs: 10_000 }),
    onFailover: (from, to, reason) => onFailover?.(from, to, reason.rawMessage),
  });
  return { client: createClient(RouterService, transport), transport };
}
