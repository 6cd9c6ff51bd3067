import type { MethodPolicy, RoleName, TokenKindName } from "./method-policies.js";

/** A kind of caller of the API: no token, or a token of a kind (and, for login tokens, a role). */
export interface CallerClass {
  /** e.g. "viewer", "runner", "no token". */
  label: string;
  kind?: TokenKindName;
  role?: RoleName;
}

/** Every kind of caller, least privileged first: the rows of the privilege matrix. */
export const callerClasses: readonly CallerClass[] = [
  { label: "no token" },
  { label: "viewer", kind: "login", role: "viewer" },
  { label: "deployer", kind: "login", role: "deployer" },
  { label: "admin", kind: "login", role: "admin" },
  { label: "runner", kind: "runner" },
  { label: "entrypoint", kind: "entrypoint" },
  { label: "router", kind: "router" },
  { label: "replica", kind: "replica" },
];

const roleRank: Record<RoleName, number> = { viewer: 1, deployer: 2, admin: 3 };

/**
 * Whether a policy lets a caller in, as the table reads: what the server's auth interceptor must
 * enforce, and what the privilege-matrix test and docs/security.md are derived from. A method without
 * a policy is closed to everyone.
 */
export function policyAllows(policy: MethodPolicy | undefined, caller: Omit<CallerClass, "label">): boolean {
  if (!policy) return false;
  if (policy.public) return true;
  if (!caller.kind) return false;
  if (!(policy.kinds ?? ["login"]).includes(caller.kind)) return false;
  if (caller.kind !== "login" || !policy.role) return true;
  return caller.role !== undefined && roleRank[caller.role] >= roleRank[policy.role];
}
