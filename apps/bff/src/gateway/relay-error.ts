import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Re-issues an upstream error for the browser: same code, message and details, but none of the
 * upstream's gRPC headers (its content-type and grpc-status would corrupt the Connect reply).
 */
export function relayError(err: unknown): ConnectError {
  const upstream = ConnectError.from(err);
  if (upstream.code === Code.Canceled) return upstream;
  const relayed = new ConnectError(upstream.rawMessage, upstream.code, undefined, undefined, upstream);
  relayed.details.push(...upstream.details);
  return relayed;
}
