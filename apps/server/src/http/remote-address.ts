import type http from "node:http";
import type http2 from "node:http2";
import { type ContextValues, createContextKey, createContextValues } from "@connectrpc/connect";

/** The address an RPC came from (the TCP peer), "" when unknown. */
export const remoteAddressKey = createContextKey("", { description: "remote address of the call" });

/** Context values of a Node request carrying its remote address (connectNodeAdapter's `contextValues`). */
export function remoteAddressValues(req: http.IncomingMessage | http2.Http2ServerRequest): ContextValues {
  return createContextValues().set(remoteAddressKey, req.socket?.remoteAddress ?? "");
}
