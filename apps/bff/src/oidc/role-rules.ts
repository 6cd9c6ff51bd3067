import type { Session } from "../sessions/session-store.js";
import type { OidcProviderConfig, RoleRule } from "./oidc-config.js";

/** The value at a dotted path of a claim set ("realm_access.roles"), or undefined. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  // A claim whose own name has dots (e.g. "https://example.com/groups") wins over a path.
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * The claims rules may read: an address the provider says is not verified is dropped, so a rule on
 * `email` cannot be met by typing someone else's domain into a profile.
 */
export function trustedClaims(claims: Record<string, unknown>): Record<string, unknown> {
  if (claims.email_verified !== false) return claims;
  const { email: _unverified, ...rest } = claims;
  return rest;
}

/** The person's groups as the provider's `groupsClaim` lists them (a list, or one string). */
export function groupsOf(claims: Record<string, unknown>, groupsClaim: string): string[] {
  const value = claimAt(claims, groupsClaim);
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string");
  return [];
}

function matches(rule: RoleRule, claims: Record<string, unknown>, groups: string[]): boolean {
  if ("group" in rule) return groups.includes(rule.group);
  const value = claimAt(claims, rule.claim);
  const values = Array.isArray(value) ? value : [value];
  if ("matches" in rule) return values.some((v) => typeof v === "string" && rule.matches.test(v));
  if (rule.asText) {
    return values.some(
      (v) =>
        (typeof v === "string" || typeof v === "number" || typeof v === "boolean") &&
        String(v) === rule.equals,
    );
  }
  return values.some((v) => v === rule.equals);
}

/** What a provider's rules made of a person: a role, or a refusal with the facts a person needs. */
export type RoleVerdict =
  | { role: Session["role"]; rule: number; groups: string[] }
  | { role: undefined; groups: string[] };

/** Applies a provider's rules in order; the first that matches decides. Pure, so unit-tested. */
export function chooseRole(
  provider: Pick<OidcProviderConfig, "rules" | "groupsClaim">,
  claims: Record<string, unknown>,
): RoleVerdict {
  const groups = groupsOf(claims, provider.groupsClaim);
  const index = provider.rules.findIndex((rule) => matches(rule, claims, groups));
  const rule = provider.rules[index];
  return rule ? { role: rule.role, rule: index, groups } : { role: undefined, groups };
}
