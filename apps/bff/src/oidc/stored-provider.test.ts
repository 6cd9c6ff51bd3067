import { OidcProviderSchema, OidcRuleKind, Role } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { chooseRole } from "./role-rules.js";
import { clientFingerprint, providerFromServer } from "./stored-provider.js";

const stored = create(OidcProviderSchema, {
  id: "team",
  displayName: "Team",
  issuer: "https://id.example.com",
  clientId: "berth",
  clientSecretSet: true,
  scopes: ["openid", "email"],
  groupsClaim: "",
  rules: [
    { kind: OidcRuleKind.CLAIM_EQUALS, claim: "email_verified", value: "true", role: Role.VIEWER },
    { kind: OidcRuleKind.GROUP, value: "ops", role: Role.ADMIN },
    { kind: OidcRuleKind.CLAIM_MATCHES, claim: "email", value: "@acme\\.com$", role: Role.DEPLOYER },
    { kind: OidcRuleKind.GROUP, value: "nobody", role: Role.UNSPECIFIED },
  ],
  enabled: true,
});

describe("providers stored by the server", () => {
  it("becomes a provider with no secret, the default groups claim, and the rules it can read in order", () => {
    const p = providerFromServer(stored);
    expect(p.clientSecret).toBe("");
    expect(p.groupsClaim).toBe("groups");
    expect(p.rules).toHaveLength(3);
    expect(chooseRole(p, { sub: "a", email_verified: true, groups: ["ops"] })).toMatchObject({
      role: "viewer",
    });
    expect(chooseRole(p, { sub: "a", groups: ["ops"] })).toMatchObject({ role: "admin" });
    expect(chooseRole(p, { sub: "a", email: "x@acme.com" })).toMatchObject({ role: "deployer" });
    expect(chooseRole(p, { sub: "a", email: "x@acme.com.evil.io" })).toEqual({ role: undefined, groups: [] });
  });

  it("keeps a client while only names and rules change", () => {
    const renamed = create(OidcProviderSchema, { ...stored, displayName: "Other", rules: [] });
    expect(clientFingerprint(renamed)).toBe(clientFingerprint(stored));
    expect(clientFingerprint(create(OidcProviderSchema, { ...stored, clientId: "x" }))).not.toBe(
      clientFingerprint(stored),
    );
  });
});
