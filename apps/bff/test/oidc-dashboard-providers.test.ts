// Providers managed in the dashboard (stored by the server) against a real provider (`oidc-provider` on
// 127.0.0.1), a real server and a real BFF started with no provider of its own: one created through the
// API signs people in without a restart, a rule change counts from the next sign-in, a disabled one
// leaves the login page and its callbacks are refused. The client secret never reaches the BFF.
import { AuthService, OidcProviderService, OidcRuleKind, Role, TokenKind } from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "../../server/test/helpers/api-client.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { type RunningBff, startBff } from "../src/server.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { signInThroughProvider } from "./helpers/oidc-sign-in.js";
import { type OidcTestProvider, startOidcTestProvider } from "./helpers/oidc-test-provider.js";

let server: TestServer;
let bff: RunningBff;
let idp: OidcTestProvider;
let providers: ReturnType<typeof clientFor<typeof OidcProviderService>>;

beforeAll(async () => {
  idp = await startOidcTestProvider({
    dora: { email: "dora@example.com", groups: ["deployers"] },
    nora: { email: "nora@example.com", groups: ["marketing"] },
  });
  server = await startTestServer({ shutdownGraceMs: 500 });
  const auth = clientFor(server, AuthService, server.bootstrapToken!);
  const serviceToken = await auth.createToken({ kind: TokenKind.LOGIN, role: Role.ADMIN, name: "bff" });
  providers = clientFor(server, OidcProviderService, server.bootstrapToken!);
  bff = await startBff({
    serverUrl: server.apiUrl,
    port: 0,
    host: "127.0.0.1",
    shutdownGraceMs: 300,
    logger: false,
    loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
    oidc: { providers: [], serviceToken: serviceToken.secret },
  });
  await idp.register(`${bff.url}/auth/oidc/team/callback`);
});

afterAll(async () => {
  await bff?.close();
  await server?.dispose();
  await idp?.close();
});

const listed = async () =>
  ((await (await fetch(`${bff.url}/auth/oidc/providers`)).json()) as { providers: { id: string }[] })
    .providers;
const roleOf = async (tab: BrowserSession) =>
  ((await (await tab.fetch("/auth/me")).json()) as { role?: string }).role;

describe("OIDC providers managed in the dashboard", () => {
  it("signs people in through a provider created through the API, with no BFF restart", async () => {
    expect(await listed()).toEqual([]);
    await providers.createOidcProvider({
      id: "team",
      settings: {
        displayName: "Team SSO",
        issuer: idp.issuer,
        clientId: idp.clientId,
        scopes: ["email", "groups"],
      },
      clientSecret: idp.clientSecret,
      rules: [{ kind: OidcRuleKind.GROUP, value: "deployers", role: Role.DEPLOYER }],
    });
    expect(await listed()).toEqual([
      { id: "team", displayName: "Team SSO", signInUrl: "/auth/oidc/team/start", source: "server" },
    ]);

    const tab = new BrowserSession(bff.url);
    const { callback } = await signInThroughProvider(tab, {
      provider: "team",
      login: "dora",
      next: "/p/shop",
    });
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe("/p/shop");
    const me = (await (await tab.fetch("/auth/me")).json()) as Record<string, unknown>;
    expect(me).toMatchObject({ role: "deployer", provider: "team", email: "dora@example.com" });

    // Who signed in through it, as the dashboard's page shows them.
    const { signIns } = await providers.listOidcProviderSignIns({ id: "team" });
    expect(signIns.map((s) => [s.email, s.role])).toEqual([["dora@example.com", Role.DEPLOYER]]);

    // No group mapped: refused with the page that says why.
    const nora = await signInThroughProvider(new BrowserSession(bff.url), {
      provider: "team",
      login: "nora",
    });
    expect(nora.callback.status).toBe(403);
    expect(await nora.callback.text()).toContain("no group mapped (your groups: marketing)");
  });

  it("applies edited rules from the next sign-in", async () => {
    await providers.setOidcProviderRules({
      id: "team",
      rules: [
        {
          kind: OidcRuleKind.CLAIM_MATCHES,
          claim: "email",
          value: "^nora@example\\.com$",
          role: Role.VIEWER,
        },
        { kind: OidcRuleKind.GROUP, value: "deployers", role: Role.ADMIN },
      ],
    });
    const dora = new BrowserSession(bff.url);
    expect((await signInThroughProvider(dora, { provider: "team", login: "dora" })).callback.status).toBe(
      303,
    );
    expect(await roleOf(dora)).toBe("admin");
    const nora = new BrowserSession(bff.url);
    expect((await signInThroughProvider(nora, { provider: "team", login: "nora" })).callback.status).toBe(
      303,
    );
    expect(await roleOf(nora)).toBe("viewer");
  });

  it("drops a disabled provider from the login page and refuses its callback, even for a sign-in already under way", async () => {
    // The person is at the provider when an admin disables it: the callback comes back afterwards.
    const tab = new BrowserSession(bff.url);
    let callbackUrl = "";
    await signInThroughProvider(tab, {
      provider: "team",
      login: "dora",
      rewriteCallback: (url) => {
        callbackUrl = url.href;
        return new URL("/healthz", url);
      },
    });
    expect(callbackUrl).toContain("/auth/oidc/team/callback?");
    await providers.disableOidcProvider({ id: "team" });

    const late = await tab.fetch(callbackUrl, { redirect: "manual" });
    expect(late.status).toBe(404);
    expect(await late.text()).toContain("No such sign-in provider");
    expect(tab.cookies.has("berth_session")).toBe(false);
    expect(await listed()).toEqual([]);
    expect(
      (await new BrowserSession(bff.url).fetch("/auth/oidc/team/start", { redirect: "manual" })).status,
    ).toBe(404);

    // Enabled again, it signs people in again.
    await providers.enableOidcProvider({ id: "team" });
    const again = new BrowserSession(bff.url);
    expect((await signInThroughProvider(again, { provider: "team", login: "dora" })).callback.status).toBe(
      303,
    );
  });

  it("refuses a code the server will not redeem for a disabled provider, even if the BFF still lists it", async () => {
    // The server's own check, apart from the BFF's list: disabled between the BFF's read and the redeem.
    const refused = await providers
      .disableOidcProvider({ id: "team" })
      .then(() =>
        providers.redeemOidcCode({
          id: "team",
          callbackUrl: `${bff.url}/auth/oidc/team/callback?code=x&state=s`,
          state: "s",
          nonce: "n",
          codeVerifier: "v",
        }),
      )
      .catch((err: Error) => err.message);
    expect(refused).toContain('sign-in provider "team" is disabled');
  });
});
