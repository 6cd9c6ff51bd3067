import { type MethodPolicy, methodPolicies } from "@berth/proto";
import { abortable } from "@berth/streams";
import { Code, ConnectError, type Interceptor, type StreamRequest } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { AuthFailureLimiter } from "../auth/auth-failure-limiter.js";
import { authorize } from "../auth/authorize.js";
import { callerKey } from "../auth/caller.js";
import { type TokenStream, type TokenStreams, tokenStreamKey } from "../auth/token-streams.js";
import { isKnownSecret, verifyToken } from "../auth/tokens.js";
import { clientAddress, defaultTrustedProxies } from "../http/client-address.js";
import { remoteAddressKey } from "../http/remote-address.js";
import type { Database } from "../store/schema.js";

export interface AuthInterceptorOptions {
  db: Kysely<Database>;
  /** Where streaming calls register under their token, so revocation and expiry end them. */
  streams: TokenStreams;
  /** Locks out addresses that send too many unknown tokens; none when omitted. */
  failures?: AuthFailureLimiter;
  /** Peers whose `X-Forwarded-For` names the client (default: loopback); see clientAddress(). */
  trustedProxies?: readonly string[];
  /** Defaults to the policy table in @berth/proto. */
  policies?: Readonly<Record<string, MethodPolicy>>;
}

/**
 * Authenticates the Bearer token of every call and enforces the method policy: no/unknown/revoked
 * token → Unauthenticated; wrong kind or too low a role → PermissionDenied; a method missing from the
 * table → PermissionDenied for everyone; an address locked out by `failures` → ResourceExhausted. Sets `callerKey` for handlers. A streaming call lives only as
 * long as its token: revoking it or its expiry aborts the handler's signal and ends the call with
 * Unauthenticated.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  const policies = options.policies ?? methodPolicies;
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const policy = Object.hasOwn(policies, method) ? policies[method] : undefined;
    if (!policy) {
      throw new ConnectError(
        `${method} is not open to any caller (missing from the auth policy)`,
        Code.PermissionDenied,
      );
    }
    const secret = bearerToken(req.header.get("authorization"));
    if (policy.public) {
      // Public methods still learn who calls them when a valid token is sent.
      if (secret) req.contextValues.set(callerKey, await verifyToken(options.db, secret));
      return next(req);
    }
    const address = clientAddress(
      req.contextValues.get(remoteAddressKey),
      req.header.get("x-forwarded-for"),
      options.trustedProxies ?? defaultTrustedProxies,
    );
    // A valid token always passes: the lock-out only answers failures, so nobody can lock a user out by
    // failing in their name (from a shared address, or a spoofed X-Forwarded-For).
    const caller = secret ? await verifyToken(options.db, secret) : undefined;
    if (!caller) {
      const lockedMs = address === undefined ? 0 : (options.failures?.lockedFor(address) ?? 0);
      if (lockedMs > 0) {
        throw new ConnectError(
          `too many failed authentications from ${address}; try again in ${Math.ceil(lockedMs / 1000)} s`,
          Code.ResourceExhausted,
        );
      }
    }
    if (!secret) {
      throw new ConnectError(
        `${method} needs a token: send "Authorization: Bearer <token>" (see berth login)`,
        Code.Unauthenticated,
      );
    }
    if (!caller) {
      // Guessing shows as unknown tokens; revoked and expired ones are real secrets and are not counted,
      // so the BFF's expired sessions cannot lock out every dashboard user behind its address.
      if (address !== undefined && options.failures && !(await isKnownSecret(options.db, secret)))
        options.failures.fail(address);
      throw new ConnectError("the token is unknown, expired or revoked", Code.Unauthenticated);
    }
    authorize(method, policy, caller);
    req.contextValues.set(callerKey, caller);
    if (!req.stream) return next(req);
    const hold = options.streams.open(caller.tokenId, caller.expiresAt);
    req.contextValues.set(tokenStreamKey, hold);
    return holdWhileValid(hold, req, next);
  };
}

type Next = Parameters<Interceptor>[0];

/**
 * Runs a streaming call under its token's hold: the handler's signal (`ctx.signal`) aborts with the
 * revocation, and input and output end with it even if the handler waits on something else.
 */
async function holdWhileValid(hold: TokenStream, req: StreamRequest, next: Next) {
  const signal = AbortSignal.any([req.signal, hold.signal]);
  // A call that ends early (client gone, shutdown) lets go of its token even if its stream is never drained.
  req.signal.addEventListener("abort", () => hold.close(), { once: true });
  try {
    const res = await raceAbort(
      next({ ...req, signal, message: abortable(req.message, hold.signal) }),
      hold.signal,
    );
    if (!res.stream) {
      hold.close();
      return res;
    }
    const messages = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          yield* abortable(messages, hold.signal);
        } finally {
          hold.close();
        }
      })(),
    };
  } catch (e) {
    hold.close();
    throw e;
  }
}

/** `p`, or the signal's reason once it aborts first (a client-streaming handler answers only at its end). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
