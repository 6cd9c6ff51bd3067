import { type OidcRoleRule, OidcRuleKind, Role } from "@berth/proto";

/** A rule as the editor holds it: plain strings, so half-typed rules are fine until saved. */
export interface RuleDraft {
  kind: "group" | "claim_equals" | "claim_matches";
  claim: string;
  value: string;
  role: "viewer" | "deployer" | "admin";
}

const kindToProto: Record<RuleDraft["kind"], OidcRuleKind> = {
  group: OidcRuleKind.GROUP,
  claim_equals: OidcRuleKind.CLAIM_EQUALS,
  claim_matches: OidcRuleKind.CLAIM_MATCHES,
};
const roleToProto: Record<RuleDraft["role"], Role> = {
  viewer: Role.VIEWER,
  deployer: Role.DEPLOYER,
  admin: Role.ADMIN,
};

/** A new, empty group rule. */
export const emptyRule = (): RuleDraft => ({ kind: "group", claim: "", value: "", role: "viewer" });

/** The stored rules as drafts, in order. */
export function draftsFromRules(rules: readonly OidcRoleRule[]): RuleDraft[] {
  return rules.map((r) => ({
    kind:
      r.kind === OidcRuleKind.CLAIM_EQUALS
        ? "claim_equals"
        : r.kind === OidcRuleKind.CLAIM_MATCHES
          ? "claim_matches"
          : "group",
    claim: r.claim,
    value: r.value,
    role: r.role === Role.ADMIN ? "admin" : r.role === Role.DEPLOYER ? "deployer" : "viewer",
  }));
}

/** The drafts as the API takes them (a group rule reads no claim). */
export function rulesFromDrafts(drafts: readonly RuleDraft[]) {
  return drafts.map((d) => ({
    kind: kindToProto[d.kind],
    claim: d.kind === "group" ? "" : d.claim.trim(),
    value: d.value,
    role: roleToProto[d.role],
  }));
}

/**
 * What is wrong with the drafts before they are sent, per rule ("" when nothing): the server checks the
 * same and names the field, this only saves a round trip while typing.
 */
export function draftProblems(drafts: readonly RuleDraft[]): string[] {
  return drafts.map((d) => {
    if (d.value.trim() === "") return d.kind === "group" ? "Name the group." : "Give the value to compare.";
    if (d.kind !== "group" && d.claim.trim() === "") return "Name the claim (e.g. email).";
    if (d.kind === "claim_matches") {
      try {
        new RegExp(d.value, "u");
      } catch {
        return "Not a regular expression.";
      }
    }
    return "";
  });
}

/** Moves the rule at `from` one place up (-1) or down (+1); the order decides which rule wins. */
export function moveRule(drafts: readonly RuleDraft[], from: number, by: -1 | 1): RuleDraft[] {
  const to = from + by;
  if (to < 0 || to >= drafts.length) return [...drafts];
  const next = [...drafts];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

/** One line per rule saying what it does: "group deployers → deployer". */
export function describeRule(d: RuleDraft): string {
  if (d.kind === "group") return `group ${d.value} → ${d.role}`;
  return `${d.claim} ${d.kind === "claim_equals" ? "=" : "matches"} ${d.value} → ${d.role}`;
}
