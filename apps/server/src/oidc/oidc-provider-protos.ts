// Stored providers as the API shows them: the client secret only as "set".
import {
  type OidcProvider,
  OidcProviderSchema,
  type OidcRoleRule,
  OidcRoleRuleSchema,
  OidcRuleKind,
  Role,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { StoredProvider } from "./oidc-providers.js";
import type { StoredRule } from "./oidc-settings.js";

const kinds: Record<StoredRule["kind"], OidcRuleKind> = {
  group: OidcRuleKind.GROUP,
  claim_equals: OidcRuleKind.CLAIM_EQUALS,
  claim_matches: OidcRuleKind.CLAIM_MATCHES,
};
const roles: Record<StoredRule["role"], Role> = {
  viewer: Role.VIEWER,
  deployer: Role.DEPLOYER,
  admin: Role.ADMIN,
};

/** The API's Role of a stored role name (UNSPECIFIED for anything else). */
export function roleFromName(role: string): Role {
  return roles[role as StoredRule["role"]] ?? Role.UNSPECIFIED;
}

/** A stored rule as the API's OidcRoleRule. */
export function toRuleProto(rule: StoredRule): OidcRoleRule {
  return create(OidcRoleRuleSchema, {
    kind: kinds[rule.kind],
    claim: rule.claim,
    value: rule.value,
    role: roles[rule.role],
  });
}

/** A stored provider as the API's OidcProvider; never the secret. */
export function toProviderProto(p: StoredProvider): OidcProvider {
  return create(OidcProviderSchema, {
    id: p.id,
    displayName: p.displayName,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecretSet: p.clientSecret !== "",
    scopes: p.scopes,
    groupsClaim: p.groupsClaim,
    rules: p.rules.map(toRuleProto),
    enabled: p.enabled,
    createdAt: timestampFromMs(p.createdAt),
    updatedAt: timestampFromMs(p.updatedAt),
  });
}
