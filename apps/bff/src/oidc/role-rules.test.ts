import { describe, expect, it } from "vitest";
import { parseOidcConfig } from "./oidc-config.js";
import { chooseRole, claimAt, trustedClaims } from "./role-rules.js";

function provider(rules: unknown[], groupsClaim?: string) {
  const config = parseOidcConfig(
    JSON.stringify({
      providers: [
        {
          id: "sso",
          displayName: "SSO",
          issuer: "https://id.example.com",
          clientId: "berth",
          clientSecret: "s",
          groupsClaim,
          rules,
        },
      ],
    }),
    "oidc.json",
  );
  return config.providers[0]!;
}

describe("chooseRole", () => {
  it("lets the first matching rule win", () => {
    const p = provider([
      { group: "admins", role: "admin" },
      { group: "deployers", role: "deployer" },
      { claim: "email", matches: "@example\\.com$", role: "viewer" },
    ]);
    expect(chooseRole(p, { groups: ["deployers", "admins"] })).toMatchObject({ role: "admin", rule: 0 });
    expect(chooseRole(p, { groups: ["deployers"], email: "a@example.com" })).toEqual({
      role: "deployer",
      rule: 1,
      groups: ["deployers"],
    });
    expect(chooseRole(p, { email: "a@example.com" })).toEqual({ role: "viewer", rule: 2, groups: [] });
  });

  it("refuses a person no rule maps, reporting the groups it saw", () => {
    const p = provider([{ group: "deployers", role: "deployer" }]);
    expect(chooseRole(p, { groups: ["marketing"], email: "x@evil.example" })).toEqual({
      role: undefined,
      groups: ["marketing"],
    });
    // A regex anchored to a domain does not match a look-alike.
    const q = provider([{ claim: "email", matches: "@example\\.com$", role: "viewer" }]);
    expect(chooseRole(q, { email: "a@example.com.evil.io" }).role).toBeUndefined();
  });

  it("reads groups at a dotted path (Keycloak's realm_access.roles) and claims by equality", () => {
    const p = provider(
      [
        { group: "berth-admin", role: "admin" },
        { claim: "email_verified", equals: true, role: "viewer" },
      ],
      "realm_access.roles",
    );
    expect(chooseRole(p, { realm_access: { roles: ["berth-admin"] } }).role).toBe("admin");
    expect(chooseRole(p, { email_verified: true }).role).toBe("viewer");
    expect(chooseRole(p, { email_verified: "true" }).role).toBeUndefined();
    expect(claimAt({ "https://x/groups": ["a"] }, "https://x/groups")).toEqual(["a"]);
  });
});

describe("trustedClaims", () => {
  it("drops an email the provider has not verified, so email rules cannot match it", () => {
    const p = provider([{ claim: "email", matches: "@example\\.com$", role: "admin" }]);
    const claims = { sub: "x", email: "mallory@example.com", email_verified: false };
    expect(trustedClaims(claims)).toEqual({ sub: "x", email_verified: false });
    expect(chooseRole(p, trustedClaims(claims)).role).toBeUndefined();
    expect(chooseRole(p, trustedClaims({ ...claims, email_verified: true })).role).toBe("admin");
  });
});

describe("parseOidcConfig", () => {
  const base = {
    id: "sso",
    displayName: "SSO",
    issuer: "https://id.example.com",
    clientId: "berth",
    clientSecret: "very-secret",
    rules: [{ group: "g", role: "viewer" }],
  };
  const parse = (p: unknown) => () => parseOidcConfig(JSON.stringify({ providers: [p] }), "oidc.json");

  it("names the file and field of each mistake, never the secret", () => {
    expect(parse({ ...base, issuer: "http://id.example.com" })).toThrow(
      'oidc.json: providers[0].issuer: "http://id.example.com" must be an https URL',
    );
    expect(parse({ ...base, rules: [{ group: "g", role: "root" }] })).toThrow(
      "oidc.json: providers[0].rules[0].role: must be one of viewer, deployer, admin",
    );
    expect(parse({ ...base, rules: [{ claim: "email", matches: "(", role: "viewer" }] })).toThrow(
      /providers\[0\]\.rules\[0\]\.matches: not a regular expression/,
    );
    expect(parse({ ...base, clientSecrett: "x" })).toThrow(/providers\[0\]\.clientSecrett: unknown field/);
    expect(parse({ ...base, id: "Bad Id" })).toThrow(/providers\[0\]\.id/);
    expect(parse({ ...base, clientSecret: ["very-secret"] })).toThrow(
      /^oidc\.json: providers\[0\]\.clientSecret: must be a non-empty string$/,
    );
    expect(() => parseOidcConfig("{", "oidc.json")).toThrow(/^oidc\.json: \(file\): not JSON/);
  });

  it("allows plain http only for a loopback issuer, and always asks for the openid scope", () => {
    const config = parseOidcConfig(
      JSON.stringify({ providers: [{ ...base, issuer: "http://127.0.0.1:4000", scopes: ["email"] }] }),
      "oidc.json",
    );
    expect(config.providers[0]?.scopes).toEqual(["openid", "email"]);
    expect(config.providers[0]?.groupsClaim).toBe("groups");
  });
});
