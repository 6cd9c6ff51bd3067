import { Code, ConnectError, createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { GuardRefusal } from "../plugins/app/guards.js";
import type { Session } from "../sessions/session-store.js";

/** What the gateway's hook decided about the HTTP request, handed to Connect handlers. */
export type GatewayAuth = Session | GuardRefusal | undefined;

/** Carries the gateway hook's decision (session or refusal) into Connect handlers. */
export const gatewayAuthKey = createContextKey<GatewayAuth>(undefined, {
  description: "BFF session or refusal",
});
/** The BFF's request id, forwarded upstream so logs join up. */
export const requestIdKey = createContextKey<string>("", { description: "BFF request id" });

/** The caller's session; throws the Connect error matching the refusal otherwise. */
export function sessionOf(ctx: { values: HandlerContext["values"] }): Session {
  const auth = ctx.values.get(gatewayAuthKey);
  if (!auth) throw new ConnectError("not signed in (no session, or it has expired)", Code.Unauthenticated);
  if ("token" in auth) return auth;
  throw new ConnectError(auth.message, auth.status === 401 ? Code.Unauthenticated : Code.PermissionDenied);
}
