import { type OidcProvider, type OidcRoleRule, OidcRuleKind } from "@berth/proto";
import { roleFromProto } from "../sessions/token-identity.js";
import type { OidcProviderConfig, RoleRule } from "./oidc-config.js";

/** A rule stored by the server as the BFF applies it; undefined for one it cannot read (skipped). */
function toRoleRule(rule: OidcRoleRule): RoleRule | undefined {
  const role = roleFromProto(rule.role);
  if (!role) return undefined;
  switch (rule.kind) {
    case OidcRuleKind.GROUP:
      return { group: rule.value, role };
    case OidcRuleKind.CLAIM_EQUALS:
      return { claim: rule.claim, equals: rule.value, asText: true, role };
    case OidcRuleKind.CLAIM_MATCHES:
      try {
        return { claim: rule.claim, matches: new RegExp(rule.value, "u"), role };
      } catch {
        // The server checked it with the same engine; a rule that no longer compiles matches nobody.
        return undefined;
      }
    default:
      return undefined;
  }
}

/** A provider the server stores, as the BFF's sign-in reads it; its secret stays on the server (""). */
export function providerFromServer(p: OidcProvider): OidcProviderConfig {
  return {
    id: p.id,
    displayName: p.displayName,
    issuer: new URL(p.issuer),
    clientId: p.clientId,
    clientSecret: "",
    scopes: p.scopes,
    groupsClaim: p.groupsClaim || "groups",
    rules: p.rules.map(toRoleRule).filter((r): r is RoleRule => r !== undefined),
  };
}

/** What decides how a provider's client behaves: when it changes, the client (and its discovery) is rebuilt. */
export function clientFingerprint(p: OidcProvider): string {
  return JSON.stringify([p.issuer, p.clientId, p.scopes]);
}
