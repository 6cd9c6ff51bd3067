import { Role, type TokenInfo, TokenKind } from "@berth/proto";
import { tsMs } from "../../lib/proto-time.js";

/** One way in to this Berth, as the users and sessions page lists it. */
export interface AccessRow {
  tokenId: string;
  /** The person (their email when a provider vouched for them) or the token's name. */
  who: string;
  /** The provider's id, or "token" for a token issued directly (pasted, a login link, the CLI). */
  through: string;
  role: "viewer" | "deployer" | "admin";
  lastUsedMs: number | undefined;
  expiresMs: number | undefined;
}

const roleNames: Partial<Record<Role, AccessRow["role"]>> = {
  [Role.VIEWER]: "viewer",
  [Role.DEPLOYER]: "deployer",
  [Role.ADMIN]: "admin",
};

/**
 * The live login tokens (people's ways in; runner, router and entrypoint tokens are machines'), most
 * recently used first. Pure, so unit-tested.
 */
export function accessRows(tokens: readonly TokenInfo[], now: number): AccessRow[] {
  const rows: AccessRow[] = [];
  for (const t of tokens) {
    const role = roleNames[t.role];
    const expiresMs = tsMs(t.expiresAt);
    if (t.kind !== TokenKind.LOGIN || !role || t.revokedAt || (expiresMs !== undefined && expiresMs <= now)) {
      continue;
    }
    rows.push({
      tokenId: t.id,
      who: t.identity?.email || t.identity?.subject || t.name,
      through: t.identity?.provider || "token",
      role,
      lastUsedMs: tsMs(t.lastUsedAt),
      expiresMs,
    });
  }
  return rows.sort((a, b) => (b.lastUsedMs ?? 0) - (a.lastUsedMs ?? 0));
}
