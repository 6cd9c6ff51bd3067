import { Code, ConnectError } from "@connectrpc/connect";

/**
 * WebSocket close codes of the terminal bridge (docs/terminal-protocol.md). 4000-4255: the command
 * exited with status `code - 4000`; 44xx mirror HTTP 4xx; 45xx mirror HTTP 5xx.
 */
export const ExecCloseCode = {
  /** Base of "exited with N": the close code is 4000 + N (N clamped to 0..255). */
  exitedBase: 4000,
  /** The first frame was missing, unreadable or asked for something invalid. */
  badRequest: 4400,
  /** No session, or the server no longer accepts its token. */
  unauthenticated: 4401,
  /** Signed in, but the role may not run commands (deployer or admin needed). */
  permissionDenied: 4403,
  /** The deployment or instance does not exist or is no longer running. */
  instanceGone: 4404,
  /** The browser stopped answering keepalive pings. */
  keepaliveTimeout: 4408,
  /** Something unexpected went wrong in the BFF or the server; details are in their logs. */
  internalError: 4500,
  /** The Berth server could not be reached or went away mid-session. */
  serverUnreachable: 4502,
} as const;

/** The close code for a command that exited with `exitCode`. */
export function exitedCloseCode(exitCode: number): number {
  const clamped = Number.isInteger(exitCode) ? Math.min(Math.max(exitCode, 0), 255) : 255;
  return ExecCloseCode.exitedBase + clamped;
}

/** Maps an error from the server's exec stream to a close code and a reason a person can read. */
export function closeForError(err: unknown): { code: number; reason: string } {
  const error = ConnectError.from(err);
  switch (error.code) {
    case Code.Unauthenticated:
      return { code: ExecCloseCode.unauthenticated, reason: "not signed in" };
    case Code.PermissionDenied:
      return { code: ExecCloseCode.permissionDenied, reason: "not allowed to run commands" };
    case Code.NotFound:
    case Code.FailedPrecondition:
      return { code: ExecCloseCode.instanceGone, reason: "instance gone" };
    case Code.InvalidArgument:
      return { code: ExecCloseCode.badRequest, reason: "invalid exec request" };
    case Code.Unavailable:
    case Code.DeadlineExceeded:
      return { code: ExecCloseCode.serverUnreachable, reason: "server unreachable" };
    default:
      return { code: ExecCloseCode.internalError, reason: "internal error" };
  }
}
