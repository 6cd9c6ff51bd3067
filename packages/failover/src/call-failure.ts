// Telling "the server never got the request" from "the server got it but the answer was lost", and both from
// "the server answered no": only the first two are reasons to try another server.
import { Code, ConnectError } from "@connectrpc/connect";

// Errors of connecting at all: the request cannot have been sent.
const connectFailures = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
// connect-node reports a reset connection (ECONNRESET, e.g. a server restarting on the same port) as Aborted.
const transportCodes = new Set([Code.Unavailable, Code.Canceled, Code.Unknown, Code.Internal, Code.Aborted]);

/** The call failed in the transport (no answer from the server came back), not with an answer. */
export function isConnectionLost(error: unknown): boolean {
  // Any ConnectError (by shape: the apps may hold another copy of @connectrpc/connect) or an error to wrap.
  const err = ConnectError.from(error);
  // An error the server sent comes with its response metadata; one made by the client stack has none.
  let fromServer = false;
  err.metadata.forEach(() => {
    fromServer = true;
  });
  return transportCodes.has(err.code) && !fromServer;
}

/** The connection could not even be opened, so the request was never sent. */
export function neverSent(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === "string" && connectFailures.has(code)) return true;
  }
  return false;
}

/**
 * A replica that is up but cannot serve (shutting down, or a load balancer with no healthy backend) answers
 * Unavailable itself: as good a reason to try the next address as a refused connection.
 */
export function isServerUnavailable(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Unavailable;
}
