// Checks what an admin writes for an OIDC provider: InvalidArgument naming the field, never echoing a secret.
import { type OidcProviderSettings, type OidcRoleRule, OidcRuleKind } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Role } from "../auth/caller.js";
import { roleFromEnum } from "../auth/token-info.js";

/** A rule as stored (rules_json) and as the BFF applies it. */
export interface StoredRule {
  kind: "group" | "claim_equals" | "claim_matches";
  /** The claim a claim rule reads; empty for group rules. */
  claim: string;
  value: string;
  role: Role;
}

/** A provider's settings, checked and with defaults applied. */
export interface CheckedSettings {
  displayName: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  groupsClaim: string;
}

const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]"]);
const kindNames: Partial<Record<OidcRuleKind, StoredRule["kind"]>> = {
  [OidcRuleKind.GROUP]: "group",
  [OidcRuleKind.CLAIM_EQUALS]: "claim_equals",
  [OidcRuleKind.CLAIM_MATCHES]: "claim_matches",
};

const invalid = (field: string, problem: string) =>
  new ConnectError(`field ${field}: ${problem}`, Code.InvalidArgument);

/** The issuer as a URL: https, or plain http only where it cannot leave the machine (local tests). */
export function checkIssuer(raw: string, field = "settings.issuer"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(field, "not an absolute URL (e.g. https://id.example.com/realms/acme)");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopbackHosts.has(url.hostname))) {
    throw invalid(field, "must be an https URL (http only on 127.0.0.1 or localhost)");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid(field, "must not carry credentials, a query or a fragment");
  }
  return url;
}

/** Settings checked beyond the .proto's rules (issuer, scopes), with the defaults docs/sign-in.md names. */
export function checkSettings(settings: OidcProviderSettings): CheckedSettings {
  checkIssuer(settings.issuer.trim());
  if (settings.displayName.trim() === "") throw invalid("settings.display_name", "must not be blank");
  if (settings.clientId.trim() === "") throw invalid("settings.client_id", "must not be blank");
  settings.scopes.forEach((s, i) => {
    if (!/^[\x21-\x7e]+$/.test(s))
      throw invalid(`settings.scopes[${i}]`, "a scope is printable ASCII without spaces");
  });
  const scopes =
    settings.scopes.length === 0 ? ["openid", "email", "profile"] : [...new Set(settings.scopes)];
  return {
    displayName: settings.displayName.trim(),
    // Kept as typed: discovery compares the issuer the provider names with it, trailing slash and all.
    issuer: settings.issuer.trim(),
    clientId: settings.clientId.trim(),
    scopes: scopes.includes("openid") ? scopes : ["openid", ...scopes],
    groupsClaim: settings.groupsClaim.trim() || "groups",
  };
}

/** Rules checked (a claim rule names its claim, a regex compiles as the BFF will compile it) and stored. */
export function checkRules(rules: readonly OidcRoleRule[], field = "rules"): StoredRule[] {
  return rules.map((rule, i) => {
    const at = `${field}[${i}]`;
    const kind = kindNames[rule.kind];
    const role = roleFromEnum(rule.role);
    if (!kind) throw invalid(`${at}.kind`, "must be group, claim_equals or claim_matches");
    if (!role) throw invalid(`${at}.role`, "must be one of viewer, deployer, admin");
    if (rule.value.trim() === "") throw invalid(`${at}.value`, "must not be blank");
    if (kind === "group") return { kind, claim: "", value: rule.value, role };
    if (rule.claim.trim() === "")
      throw invalid(`${at}.claim`, "a claim rule names the claim it reads (e.g. email)");
    if (kind === "claim_matches") {
      try {
        new RegExp(rule.value, "u");
      } catch (cause) {
        throw invalid(`${at}.value`, `not a regular expression (${(cause as Error).message})`);
      }
    }
    return { kind, claim: rule.claim.trim(), value: rule.value, role };
  });
}
