import { type MethodPolicy, methodPolicies } from "@berth/proto";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import { authorize } from "../auth/authorize.js";
import { callerKey } from "../auth/caller.js";
import { verifyToken } from "../auth/tokens.js";
import type { Database } from "../store/schema.js";

export interface AuthInterceptorOptions {
  db: Kysely<Database>;
  /** Defaults to the policy table in @berth/proto. */
  policies?: Readonly<Record<string, MethodPolicy>>;
}

/**
 * Authenticates the Bearer token of every call and enforces the method policy: no/unknown/revoked
 * token → Unauthenticated; wrong kind or too low a role → PermissionDenied; a method missing from the
 * table → PermissionDenied for everyone. Sets `callerKey` for handlers.
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
    if (!secret) {
      throw new ConnectError(
        `${method} needs a token: send "Authorization: Bearer <token>" (see berth login)`,
        Code.Unauthenticated,
      );
    }
    const caller = await verifyToken(options.db, secret);
    if (!caller) throw new ConnectError("the token is unknown, expired or revoked", Code.Unauthenticated);
    authorize(method, policy, caller);
    req.contextValues.set(callerKey, caller);
    return next(req);
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}
