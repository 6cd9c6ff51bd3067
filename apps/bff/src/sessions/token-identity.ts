import { Role, type TokenInfo, TokenKind } from "@berth/proto";
import type { Session } from "./session-store.js";

/** Who a login token belongs to, as a session remembers it. */
export type TokenIdentity = Pick<Session, "tokenId" | "name" | "role"> & {
  /** When the token itself expires (epoch ms), or undefined for no expiry. */
  expiresAt: number | undefined;
};

/** Why a token cannot start a dashboard session, in words for the login form. */
export class NotALoginTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotALoginTokenError";
  }
}

const roleNames: Partial<Record<Role, Session["role"]>> = {
  [Role.VIEWER]: "viewer",
  [Role.DEPLOYER]: "deployer",
  [Role.ADMIN]: "admin",
};

const kindNames: Record<TokenKind, string> = {
  [TokenKind.UNSPECIFIED]: "unknown",
  [TokenKind.LOGIN]: "login",
  [TokenKind.RUNNER]: "runner",
  [TokenKind.ENTRYPOINT]: "entrypoint",
  [TokenKind.ROUTER]: "router",
  [TokenKind.REPLICA]: "replica",
};

/** The proto role for a session role (for GetViewer). */
export function roleToProto(role: Session["role"]): Role {
  return role === "admin" ? Role.ADMIN : role === "deployer" ? Role.DEPLOYER : Role.VIEWER;
}

/** The session role of a proto role; undefined for UNSPECIFIED or an unknown value. */
export function roleFromProto(role: Role): Session["role"] | undefined {
  return roleNames[role];
}

/** Checks that the server's description of a token allows a dashboard session and extracts the identity. */
export function identityFromTokenInfo(info: TokenInfo | undefined): TokenIdentity {
  if (!info) throw new NotALoginTokenError("the server did not describe this token");
  if (info.kind !== TokenKind.LOGIN) {
    throw new NotALoginTokenError(
      `only login tokens can sign in to the dashboard; this is a ${kindNames[info.kind] ?? "different"} token`,
    );
  }
  const role = roleNames[info.role];
  if (!role) throw new NotALoginTokenError("this login token has no role; ask an admin for a new one");
  const expiresAt = info.expiresAt
    ? Number(info.expiresAt.seconds) * 1000 + Math.floor(info.expiresAt.nanos / 1e6)
    : undefined;
  return { tokenId: info.id, name: info.name || "unnamed", role, expiresAt };
}
