import type { MethodPolicy } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller, Role } from "./caller.js";

const roleRank: Record<Role, number> = { viewer: 1, deployer: 2, admin: 3 };

/** Whether a caller holding role `have` may hand out role `want` (never more than their own). */
export function roleCovers(have: Role | "", want: Role): boolean {
  return have !== "" && roleRank[have] >= roleRank[want];
}

/**
 * Checks a verified caller against a method's policy; throws PermissionDenied naming the method and
 * what it needs. Pure, so the role/kind rules are unit-tested apart from the transport.
 */
export function authorize(method: string, policy: MethodPolicy, caller: Caller): void {
  const kinds = policy.kinds ?? ["login"];
  if (!kinds.includes(caller.kind)) {
    throw new ConnectError(
      `${method} needs ${article(kinds.join(" or "))} token; "${caller.name}" is ${article(caller.kind)} token`,
      Code.PermissionDenied,
    );
  }
  if (caller.kind !== "login" || !policy.role) return;
  const have = caller.role === "" ? 0 : roleRank[caller.role];
  if (have < roleRank[policy.role]) {
    throw new ConnectError(
      `${method} needs role ${policy.role} or higher; token "${caller.name}" has role ${caller.role || "none"}`,
      Code.PermissionDenied,
    );
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
