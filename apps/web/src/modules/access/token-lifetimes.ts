import type { Viewer } from "@berth/api-client";

/** The expiries a personal token can be made with (a personal token always expires). */
export const tokenLifetimes: ReadonlyArray<{ label: string; seconds: number }> = [
  { label: "1 day", seconds: 24 * 3600 },
  { label: "7 days", seconds: 7 * 24 * 3600 },
  { label: "30 days", seconds: 30 * 24 * 3600 },
  { label: "90 days", seconds: 90 * 24 * 3600 },
  { label: "1 year", seconds: 365 * 24 * 3600 },
];

const roles: Viewer["role"][] = ["viewer", "deployer", "admin"];

/** The roles someone may give a token of theirs: theirs and below (the server refuses more). */
export function grantableRoles(role: Viewer["role"] | undefined): Viewer["role"][] {
  return role ? roles.slice(0, roles.indexOf(role) + 1) : [];
}

/** A token's state as its row says it: revoked, expired or live. */
export function tokenState(
  t: { revokedMs?: number; expiresMs?: number },
  now: number,
): "revoked" | "expired" | "live" {
  if (t.revokedMs !== undefined) return "revoked";
  if (t.expiresMs !== undefined && t.expiresMs <= now) return "expired";
  return "live";
}
