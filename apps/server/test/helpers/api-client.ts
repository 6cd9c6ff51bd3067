import { type Client, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestServer } from "./test-server.js";

/** An interceptor sending `token` as a Bearer header (none when no token is given). */
export const withToken =
  (token: string | undefined): Interceptor =>
  (next) =>
  (req) => {
    if (token) req.header.set("authorization", `Bearer ${token}`);
    return next(req);
  };

/** A gRPC (HTTP/2) client of one service on a test server, sending the given token. */
export function clientFor<S extends Parameters<typeof createClient>[0]>(
  server: Pick<TestServer, "apiUrl">,
  service: S,
  token: string,
) {
  return createClient(
    service,
    createGrpcTransport({ baseUrl: server.apiUrl, interceptors: [withToken(token)] }),
  ) as Client<S>;
}

/** The ConnectError a call fails with; throws if it succeeds. */
export async function errorOf(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}
