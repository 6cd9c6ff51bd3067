import { Code, ConnectError } from "@connectrpc/connect";

// Retrying these cannot succeed: the request itself is wrong or not allowed, or the server lacks the method.
const permanent = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.PermissionDenied,
  Code.Unauthenticated,
  Code.Unimplemented,
]);

/** True for stream errors a reconnect loop should give up on (and show), rather than retry. */
export function isPermanentError(err: unknown): boolean {
  return err instanceof ConnectError && permanent.has(err.code);
}
