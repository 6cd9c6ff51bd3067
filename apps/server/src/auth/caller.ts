import type { RoleName, TokenKindName } from "@berth/proto";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { ExternalIdentity } from "./external-identity.js";

export type TokenKind = TokenKindName;
export type Role = RoleName;

/** The authenticated caller of an RPC, set by the auth interceptor. */
export interface Caller {
  tokenId: string;
  kind: TokenKind;
  /** Only for login tokens. */
  role: Role | "";
  name: string;
  /** Only for entrypoint tokens: the deployment the token is scoped to. */
  deploymentId: string;
  /** When the token expires (ms since epoch); undefined when it never does. */
  expiresAt?: number;
  /** The person behind the token when they signed in through an OIDC provider. */
  identity?: ExternalIdentity;
}

export const callerKey = createContextKey<Caller | undefined>(undefined, {
  description: "authenticated caller",
});

/** The caller of this RPC; the auth interceptor guarantees one on every method that is not public. */
export function getCaller(ctx: HandlerContext): Caller {
  const caller = ctx.values.get(callerKey);
  if (!caller)
    throw new Error("no caller on an authenticated method: is the method missing from the auth policy?");
  return caller;
}
