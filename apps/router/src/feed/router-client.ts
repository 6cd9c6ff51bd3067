import { RouterService } from "@berth/proto";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

/** A RouterService client over gRPC with a router-kind token: the only API a router process speaks. */
export function createRouterClient(serverUrl: string, token: string): Client<typeof RouterService> {
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };
  const transport = createGrpcTransport({ baseUrl: serverUrl, interceptors: [auth], pingIntervalMs: 10_000 });
  return createClient(RouterService, transport);
}
