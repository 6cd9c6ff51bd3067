// The admin API for OIDC sign-in providers against a real server on both stores: write-only secrets,
// audited changes, admins only, bad input named by field, the discovery test and who signed in.
import {
  AuditService,
  AuthService,
  ListOidcProvidersResponseSchema,
  OidcProviderService,
  OidcRuleKind,
  Role,
  TokenKind,
} from "@berth/proto";
import { toJsonString } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, errorOf } from "./helpers/api-client.js";
import {
  type DiscoveryDocumentServer,
  startDiscoveryDocumentServer,
} from "./helpers/discovery-document-server.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

const secret = "s3cret-client-secret-value";
const settings = (issuer: string) => ({
  displayName: "Acme SSO",
  issuer,
  clientId: "berth",
  scopes: ["email", "groups"],
});
const deployerRule = { kind: OidcRuleKind.GROUP, value: "deployers", role: Role.DEPLOYER };

describe.each(storeDialects)("OIDC providers API on %s", (storeDialect) => {
  let server: TestServer;
  let discovery: DiscoveryDocumentServer;
  let providers: ReturnType<typeof clientFor<typeof OidcProviderService>>;

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    discovery = await startDiscoveryDocumentServer({ keys: 2 });
    providers = clientFor(server, OidcProviderService, server.bootstrapToken!);
  });
  afterAll(async () => {
    await server?.dispose();
    await discovery?.close();
  });

  it("creates, lists, updates, disables, enables and deletes a provider; the secret never comes back; each change audited", async () => {
    const { provider } = await providers.createOidcProvider({
      id: "acme",
      settings: settings(discovery.issuer),
      clientSecret: secret,
      rules: [{ kind: OidcRuleKind.GROUP, value: "admins", role: Role.ADMIN }, deployerRule],
    });
    expect(provider).toMatchObject({
      id: "acme",
      displayName: "Acme SSO",
      issuer: discovery.issuer,
      clientSecretSet: true,
      scopes: ["openid", "email", "groups"],
      groupsClaim: "groups",
      enabled: true,
    });
    expect(provider?.rules.map((r) => [r.value, r.role])).toEqual([
      ["admins", Role.ADMIN],
      ["deployers", Role.DEPLOYER],
    ]);

    const listed = await providers.listOidcProviders({});
    expect(listed.providers.map((p) => p.id)).toEqual(["acme"]);
    expect(toJsonString(ListOidcProvidersResponseSchema, listed)).not.toContain(secret);

    // An empty secret keeps the stored one; rules are replaced in order.
    const renamed = await providers.updateOidcProvider({
      id: "acme",
      settings: { ...settings(discovery.issuer), displayName: "Acme" },
    });
    expect(renamed.provider).toMatchObject({ displayName: "Acme", clientSecretSet: true });
    await providers.updateOidcProvider({
      id: "acme",
      settings: settings(discovery.issuer),
      clientSecret: "new-secret",
    });
    const ruled = await providers.setOidcProviderRules({
      id: "acme",
      rules: [{ kind: OidcRuleKind.CLAIM_MATCHES, claim: "email", value: "@acme\\.com$", role: Role.VIEWER }],
    });
    expect(ruled.provider?.rules).toMatchObject([
      { kind: OidcRuleKind.CLAIM_MATCHES, claim: "email", value: "@acme\\.com$", role: Role.VIEWER },
    ]);

    expect((await providers.disableOidcProvider({ id: "acme" })).provider?.enabled).toBe(false);
    expect((await providers.listOidcProviders({})).providers[0]?.enabled).toBe(false);
    expect((await providers.enableOidcProvider({ id: "acme" })).provider?.enabled).toBe(true);
    await providers.deleteOidcProvider({ id: "acme" });
    expect((await providers.listOidcProviders({})).providers).toEqual([]);
    expect((await errorOf(providers.deleteOidcProvider({ id: "acme" }))).code).toBe(Code.NotFound);

    const audit = clientFor(server, AuditService, server.bootstrapToken!);
    const { events } = await audit.listAuditEvents({});
    const trail = events.filter((e) => e.action.startsWith("oidc_provider.")).reverse();
    expect(trail.map((e) => e.action)).toEqual([
      "oidc_provider.create",
      "oidc_provider.update",
      "oidc_provider.update",
      "oidc_provider.rules",
      "oidc_provider.disable",
      "oidc_provider.enable",
      "oidc_provider.delete",
    ]);
    expect(trail.every((e) => e.target === "acme")).toBe(true);
    expect(JSON.parse(trail[2]?.detailsJson ?? "{}")).toMatchObject({ secretReplaced: true });
    const recorded = events.map((e) => e.detailsJson).join("\n");
    expect(recorded).toContain(discovery.issuer);
    expect(recorded).not.toContain(secret);
    expect(recorded).not.toContain("new-secret");
  });

  it("refuses bad input with InvalidArgument naming the field, never echoing the secret", async () => {
    const create = (overrides: Record<string, unknown>) =>
      errorOf(
        providers.createOidcProvider({
          id: "bad",
          settings: settings(discovery.issuer),
          clientSecret: secret,
          rules: [deployerRule],
          ...overrides,
        }),
      );
    const cases: [Record<string, unknown>, string][] = [
      [{ settings: settings("not a url") }, "settings.issuer"],
      [{ settings: settings("http://id.example.com") }, "settings.issuer"],
      [{ settings: { ...settings(discovery.issuer), clientId: "" } }, "settings.client_id"],
      [{ rules: [{ kind: OidcRuleKind.GROUP, value: "x", role: 7 }] }, "rules[0].role"],
      [{ rules: [{ kind: OidcRuleKind.GROUP, value: "x", role: Role.UNSPECIFIED }] }, "rules[0].role"],
      [
        {
          rules: [
            deployerRule,
            { kind: OidcRuleKind.CLAIM_MATCHES, claim: "email", value: "(", role: Role.VIEWER },
          ],
        },
        "rules[1].value",
      ],
      [
        { rules: [{ kind: OidcRuleKind.CLAIM_EQUALS, value: "acme.com", role: Role.VIEWER }] },
        "rules[0].claim",
      ],
      [{ id: "Not_An_Id" }, "id"],
    ];
    for (const [overrides, field] of cases) {
      const err = await create(overrides);
      expect(err.code, field).toBe(Code.InvalidArgument);
      expect(err.rawMessage, field).toContain(`field ${field}`);
      expect(err.rawMessage).not.toContain(secret);
    }

    await providers.createOidcProvider({
      id: "taken",
      settings: settings(discovery.issuer),
      clientSecret: secret,
      rules: [deployerRule],
    });
    const duplicate = await create({ id: "taken" });
    expect(duplicate.code).toBe(Code.InvalidArgument);
    expect(duplicate.rawMessage).toBe('field id: "taken" is used by another sign-in provider');
    await providers.deleteOidcProvider({ id: "taken" });
  });

  it("is for admins only: a deployer is refused every method", async () => {
    const auth = clientFor(server, AuthService, server.bootstrapToken!);
    const deployer = await auth.createToken({ kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "dev" });
    const asDeployer = clientFor(server, OidcProviderService, deployer.secret);
    for (const call of [
      () => asDeployer.listOidcProviders({}),
      () =>
        asDeployer.createOidcProvider({
          id: "x",
          settings: settings(discovery.issuer),
          clientSecret: "s",
          rules: [deployerRule],
        }),
      () => asDeployer.testOidcProvider({ issuer: discovery.issuer }),
      () =>
        asDeployer.redeemOidcCode({
          id: "x",
          callbackUrl: "http://127.0.0.1/cb",
          state: "s",
          nonce: "n",
          codeVerifier: "v",
        }),
    ]) {
      const err = await errorOf(call());
      expect(err.code).toBe(Code.PermissionDenied);
      expect(err.rawMessage).toContain("needs role admin");
    }
  });

  it("tests discovery: endpoints and keys found, or the reason", async () => {
    const ok = await providers.testOidcProvider({ issuer: discovery.issuer });
    expect(ok).toMatchObject({
      ok: true,
      issuer: discovery.issuer,
      authorizationEndpoint: `${discovery.issuer}/auth`,
      tokenEndpoint: `${discovery.issuer}/token`,
      jwksUri: `${discovery.issuer}/jwks`,
      keyCount: 2,
    });
    expect(ok.message).toContain("is reachable");

    await providers.createOidcProvider({
      id: "saved",
      settings: settings(discovery.issuer),
      clientSecret: secret,
      rules: [deployerRule],
    });
    expect((await providers.testOidcProvider({ id: "saved" })).ok).toBe(true);
    await providers.deleteOidcProvider({ id: "saved" });

    // A provider that is down: its port was just let go.
    const gone = await startDiscoveryDocumentServer();
    await gone.close();
    const down = await providers.testOidcProvider({ issuer: gone.issuer });
    expect(down.ok).toBe(false);
    expect(down.message).toContain("connection refused");

    const wrong = await startDiscoveryDocumentServer({ namedIssuer: "https://elsewhere.example" });
    try {
      const mismatch = await providers.testOidcProvider({ issuer: wrong.issuer });
      expect(mismatch.ok).toBe(false);
      expect(mismatch.message).toContain('names issuer "https://elsewhere.example"');
    } finally {
      await wrong.close();
    }

    const noKeys = await startDiscoveryDocumentServer({ keys: 0 });
    try {
      expect((await providers.testOidcProvider({ issuer: noKeys.issuer })).message).toContain(
        "lists no keys",
      );
    } finally {
      await noKeys.close();
    }

    expect((await errorOf(providers.testOidcProvider({ issuer: "ftp://x" }))).rawMessage).toContain(
      "field issuer",
    );
    expect((await errorOf(providers.testOidcProvider({ id: "nope" }))).code).toBe(Code.NotFound);
  });

  it("lists who signed in through a provider, one row per person, and refuses a disabled provider's code", async () => {
    await providers.createOidcProvider({
      id: "team",
      settings: settings(discovery.issuer),
      clientSecret: secret,
      rules: [deployerRule],
    });
    const auth = clientFor(server, AuthService, server.bootstrapToken!);
    const identity = (subject: string, email: string, provider = "team") => ({
      provider,
      issuer: discovery.issuer,
      subject,
      email,
      groups: ["deployers"],
    });
    await auth.createExternalSessionToken({
      role: Role.DEPLOYER,
      ttlSeconds: 600,
      identity: identity("u1", "ada@example.com"),
    });
    const second = await auth.createExternalSessionToken({
      role: Role.DEPLOYER,
      ttlSeconds: 600,
      identity: identity("u1", "ada@example.com"),
    });
    await auth.createExternalSessionToken({
      role: Role.VIEWER,
      ttlSeconds: 600,
      identity: identity("u2", "bob@example.com"),
    });
    await auth.createExternalSessionToken({
      role: Role.VIEWER,
      ttlSeconds: 600,
      identity: identity("u3", "eve@example.com", "team-b"),
    });
    // Ada uses her second session: she is seen.
    await clientFor(server, AuthService, second.secret).whoAmI({});

    const { signIns } = await providers.listOidcProviderSignIns({ id: "team" });
    expect(signIns.map((s) => [s.email, s.role, s.liveSessions])).toEqual([
      ["ada@example.com", Role.DEPLOYER, 2],
      ["bob@example.com", Role.VIEWER, 1],
    ]);
    expect(signIns[0]?.lastSeenAt).toBeDefined();
    expect(signIns[1]?.lastSeenAt).toBeUndefined();

    await providers.disableOidcProvider({ id: "team" });
    const refused = await errorOf(
      providers.redeemOidcCode({
        id: "team",
        callbackUrl: `${discovery.issuer}/cb?code=x&state=s`,
        state: "s",
        nonce: "n",
        codeVerifier: "v",
      }),
    );
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toBe('sign-in provider "team" is disabled');
  });
});
