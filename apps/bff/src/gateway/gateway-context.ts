import type { RoleName } from "@berth/proto";
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

const roleRank: Record<RoleName, number> = { viewer: 0, deployer: 1, admin: 2 };

/**
 * The caller's session when its role reaches `role`; PermissionDenied otherwise, answered here so a
 * call the session may not make never reaches the server.
 */
export function sessionWithRole(
  ctx: { values: HandlerContext["values"] },
  role: RoleName,
  method: string,
): Session {
  const session = sessionOf(ctx);
  if (roleRank[session.role] < roleRank[role]) {
    throw new ConnectError(
      `${method} needs role ${role} or higher; you are signed in as ${session.role}`,
      Code.PermissionDenied,
    );
  }
  return session;
}
