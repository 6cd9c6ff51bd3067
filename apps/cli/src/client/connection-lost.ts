// Telling "the server never got the request" from "the server got it but the answer was lost": after the
// second, a release, rollback, deploy or config change may well have happened (7 of 21 release races were
// committed while the client was told UNAVAILABLE), so saying "cannot reach the server" would be wrong.
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

// Errors of connecting at all: the request cannot have been sent.
const connectFailures = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
// connect-node reports a reset connection (ECONNRESET, e.g. a server restarting on the same port) as Aborted.
const transportCodes = new Set([Code.Unavailable, Code.Canceled, Code.Unknown, Code.Internal, Code.Aborted]);
// Methods that only read; everything else unary may change something.
const readOnlyName = /^(Get|List|Who|Watch|Search|Check|Find|Count)/;

/** The call failed in the transport (no answer from the server came back), not with an answer. */
export function isConnectionLost(err: ConnectError): boolean {
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

/** A unary method that may change state (release, rollback, deploy, config set…). */
export function isMutating(method: DescMethod): boolean {
  return method.methodKind === "unary" && !readOnlyName.test(method.name);
}

const unknownOutcome = Symbol("berth.outcomeUnknown");

/**
 * The error for a change that was sent but whose answer never came: it may or may not have taken effect.
 * (A marked ConnectError, not a subclass: connect's `instanceof` checks match any ConnectError by shape.)
 */
export function outcomeUnknownError(what: string, server: string, cause: ConnectError): ConnectError {
  const sentence =
    `outcome unknown: the connection to the server at ${server} was lost after the ${what} was sent, ` +
    `so it may or may not have taken effect (${cause.rawMessage})`;
  return Object.assign(new ConnectError(sentence, Code.Unavailable, undefined, undefined, cause), {
    [unknownOutcome]: sentence,
  });
}

/** The sentence of an outcomeUnknownError, or undefined for any other error. */
export function outcomeUnknownSentence(e: unknown): string | undefined {
  const sentence = (e as { [unknownOutcome]?: unknown } | undefined)?.[unknownOutcome];
  return typeof sentence === "string" ? sentence : undefined;
}
