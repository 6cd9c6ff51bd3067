// Telling "the server never got the request" from "the server got it but the answer was lost": after the
// second, a release, rollback, deploy or config change may well have happened (7 of 21 release races were
// committed while the client was told UNAVAILABLE), so saying "cannot reach the server" would be wrong.
import { isRetrySafe } from "@berth/failover";
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

/** A unary method that may change state (release, rollback, deploy, config set…): not declared a read or idempotent. */
export function isMutating(method: DescMethod): boolean {
  return method.methodKind === "unary" && !isRetrySafe(method);
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
