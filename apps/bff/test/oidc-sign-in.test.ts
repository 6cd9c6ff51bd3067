// Sign-in through a real OIDC provider (the `oidc-provider` package on 127.0.0.1) in front of a real
// BFF and server: roles from group rules, refusals with a page, forged or doctored answers refused,
// key rotation, no open redirect.
import { AuthService, Role, TokenKind } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { challengeOf } from "../src/cli-login/cli-grants.js";
import { parseOidcConfig } from "../src/oidc/oidc-config.js";
import { type RunningBff, startBff } from "../src/server.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { signInThroughProvider } from "./helpers/oidc-sign-in.js";
import { type OidcTestProvider, startOidcTestProvider } from "./helpers/oidc-test-provider.js";

let server: TestServer;
let bff: RunningBff;
let idp: OidcTestProvider;

beforeAll(async () => {
  idp = await startOidcTestProvider({
    dora: { email: "dora@example.com", groups: ["deployers"] },
    adam: { email: "adam@example.com", groups: ["staff", "admins"] },
    nora: { email: "nora@example.com", groups: ["marketing"] },
  });
  server = await startTestServer({ shutdownGraceMs: 500 });
  const auth = createClient(
    AuthService,
    createGrpcTransport({
      baseUrl: server.apiUrl,
      interceptors: [
        (next) => (req) => {
          req.header.set("authorization", `Bearer ${server.bootstrapToken}`);
          return next(req);
        },
      ],
    }),
  );
  const serviceToken = await auth.createToken({ kind: TokenKind.LOGIN, role: Role.ADMIN, name: "bff" });
  const { providers } = parseOidcConfig(
    JSON.stringify({
      providers: [
        {
          id: "local",
          displayName: "Local SSO",
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          scopes: ["openid", "email", "groups"],
          rules: [
            { group: "admins", role: "admin" },
            { group: "deployers", role: "deployer" },
          ],
        },
        {
          // Nothing listens on port 1: a provider that is down.
          id: "down",
          displayName: "Down SSO",
          issuer: "http://127.0.0.1:1",
          clientId: "berth",
          clientSecret: "unused",
          rules: [{ group: "anyone", role: "viewer" }],
        },
      ],
    }),
    "test oidc.json",
  );
  bff = await startBff({
    serverUrl: server.apiUrl,
    port: 0,
    host: "127.0.0.1",
    shutdownGraceMs: 300,
    logger: false,
    loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
    oidc: { providers, serviceToken: serviceToken.secret },
  });
  await idp.register(`${bff.url}/auth/oidc/local/callback`);
});

afterAll(async () => {
  await bff?.close();
  await server?.dispose();
  await idp?.close();
});

const me = async (tab: BrowserSession) => {
  const res = await tab.fetch("/auth/me");
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("OIDC sign-in", () => {
  it("lists the providers for the login page", async () => {
    const res = await fetch(`${bff.url}/auth/oidc/providers`);
    expect(await res.json()).toEqual({
      providers: [
        { id: "local", displayName: "Local SSO", signInUrl: "/auth/oidc/local/start", source: "file" },
        { id: "down", displayName: "Down SSO", signInUrl: "/auth/oidc/down/start", source: "file" },
      ],
    });
  });

  it("signs a deployer in with role deployer, records who they are, and ends with the ID token", async () => {
    const tab = new BrowserSession(bff.url);
    const { callback, hops } = await signInThroughProvider(tab, {
      provider: "local",
      login: "dora",
      next: "/p/shop",
    });
    expect(callback.status).toBe(303);
    expect(callback.headers.get("location")).toBe("/p/shop");
    // start → provider's authorize → its forms → back to the BFF.
    expect(hops[1]).toMatch(new RegExp(`^${idp.issuer}/auth\\?`));
    expect(new URL(hops[1]!).searchParams.get("code_challenge_method")).toBe("S256");
    expect(tab.cookies.get("berth_oidc")).toBeUndefined();

    const session = await me(tab);
    expect(session).toMatchObject({
      status: 200,
      body: { role: "deployer", provider: "local", email: "dora@example.com", groups: ["deployers"] },
    });
    // The session ends when the ID token does (the provider's default: one hour), not after 7 days.
    expect(Date.parse(String(session.body.expiresAt))).toBeLessThanOrEqual(Date.now() + 3600_000);

    const signIn = await server.ctx.store.db
      .selectFrom("audit_events")
      .selectAll()
      .where("action", "=", "session.sign_in")
      .where("actor_name", "=", "dora@example.com (local)")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(signIn.actor_identity_json ?? "{}")).toEqual({
      provider: "local",
      issuer: idp.issuer,
      subject: "dora",
      email: "dora@example.com",
      groups: ["deployers"],
    });
    expect(JSON.parse(signIn.details_json)).toMatchObject({ role: "deployer", via: "oidc" });

    // Signing out ends the session and its server token.
    const out = await tab.fetch("/auth/logout", {
      method: "POST",
      headers: { "x-csrf-token": String(session.body.csrfToken) },
    });
    expect(out.status).toBe(204);
    expect((await me(tab)).status).toBe(401);
    const token = await server.ctx.store.db
      .selectFrom("tokens")
      .select("revoked_at")
      .where("id", "=", signIn.target)
      .executeTakeFirstOrThrow();
    expect(token.revoked_at).not.toBeNull();
  });

  it("refuses a person in no mapped group with a page that says why, and signs no one in", async () => {
    const tab = new BrowserSession(bff.url);
    const { callback } = await signInThroughProvider(tab, { provider: "local", login: "nora" });
    expect(callback.status).toBe(403);
    expect(callback.headers.get("content-type")).toMatch(/text\/html/);
    const page = await callback.text();
    expect(page).toContain("No access to this Berth");
    expect(page).toContain("no group mapped (your groups: marketing)");
    expect(page).toContain("nora@example.com");
    expect(tab.cookies.has("berth_session")).toBe(false);
    expect((await me(tab)).status).toBe(401);
  });

  it("applies a removed group on the next sign-in", async () => {
    const tab = new BrowserSession(bff.url);
    idp.accounts.set("remy", { email: "remy@example.com", groups: ["deployers"] });
    expect((await signInThroughProvider(tab, { provider: "local", login: "remy" })).callback.status).toBe(
      303,
    );
    idp.accounts.set("remy", { email: "remy@example.com", groups: [] });
    const again = await signInThroughProvider(new BrowserSession(bff.url), {
      provider: "local",
      login: "remy",
    });
    expect(again.callback.status).toBe(403);
    expect(await again.callback.text()).toContain("your groups: none");
  });

  it("refuses a forged state, a callback from another browser, and a replayed callback", async () => {
    const forged = new BrowserSession(bff.url);
    const { callback } = await signInThroughProvider(forged, {
      provider: "local",
      login: "adam",
      rewriteCallback: (url) => {
        url.searchParams.set("state", "forged-state");
        return url;
      },
    });
    expect(callback.status).toBe(401);
    expect(await callback.text()).toMatch(/state/);
    expect(forged.cookies.has("berth_session")).toBe(false);

    // A real callback URL opened in a browser that did not start the sign-in (login CSRF).
    const victim = new BrowserSession(bff.url);
    const attacker = new BrowserSession(bff.url);
    let stolen = "";
    await signInThroughProvider(attacker, {
      provider: "local",
      login: "adam",
      rewriteCallback: (url) => {
        stolen = url.href;
        return new URL("/auth/oidc/local/callback?state=x", url);
      },
    });
    const planted = await victim.fetch(stolen, { redirect: "manual" });
    expect(planted.status).toBe(400);
    expect(await planted.text()).toContain("not started in this browser");
    expect(victim.cookies.has("berth_session")).toBe(false);
    // The attacker's own flow cookie was spent by the first callback: replaying is refused too.
    expect((await attacker.fetch(stolen, { redirect: "manual" })).status).toBe(400);
  });

  it.each([
    ["another audience", (c: Record<string, unknown>) => ({ ...c, aud: "someone-else" }), /aud/],
    ["another issuer", (c: Record<string, unknown>) => ({ ...c, iss: "https://evil.example" }), /iss/],
    ["a forged nonce", (c: Record<string, unknown>) => ({ ...c, nonce: "forged" }), /nonce/],
    [
      "an expired ID token",
      (c: Record<string, unknown>) => ({
        ...c,
        iat: Math.floor(Date.now() / 1000) - 7200,
        exp: Math.floor(Date.now() / 1000) - 3600,
      }),
      /exp/,
    ],
  ])("refuses an ID token with %s", async (_what, tamper, reason) => {
    idp.tamperWith(tamper);
    try {
      const tab = new BrowserSession(bff.url);
      const { callback } = await signInThroughProvider(tab, { provider: "local", login: "adam" });
      expect(callback.status).toBe(401);
      const page = await callback.text();
      expect(page).toContain("Local SSO sign-in refused");
      expect(page).toMatch(reason);
      expect(tab.cookies.has("berth_session")).toBe(false);
    } finally {
      idp.tamperWith(undefined);
    }
  });

  it("refuses an ID token signed with a key the provider does not publish", async () => {
    idp.tamperWith((claims) => claims, { unpublishedKey: true });
    try {
      const tab = new BrowserSession(bff.url);
      const { callback } = await signInThroughProvider(tab, { provider: "local", login: "adam" });
      expect(callback.status).toBe(401);
      expect(await callback.text()).toContain("the ID token did not verify");
      expect(tab.cookies.has("berth_session")).toBe(false);
    } finally {
      idp.tamperWith(undefined);
    }
  });

  it("keeps working across a provider key rotation mid-session", async () => {
    const before = new BrowserSession(bff.url);
    expect((await signInThroughProvider(before, { provider: "local", login: "adam" })).callback.status).toBe(
      303,
    );
    const oldKid = idp.currentKid();
    await idp.rotateKeys();
    expect(idp.currentKid()).not.toBe(oldKid);

    // The session started before the rotation lives on; a new sign-in is signed with the new key.
    expect((await me(before)).body.role).toBe("admin");
    const after = new BrowserSession(bff.url);
    const { callback } = await signInThroughProvider(after, { provider: "local", login: "dora" });
    expect(callback.status).toBe(303);
    expect((await me(after)).body.role).toBe("deployer");
    // Signed with a key the BFF had not seen before the rotation: it fetched the provider's keys again.
    expect(idp.issuedKids.at(-1)).toBe(idp.currentKid());
  });

  it.each(["//evil.example/x", "/\\evil.example", "https://evil.example", "/%2F%2Fevil.example"])(
    "does not redirect off-site after sign-in (next=%s)",
    async (next) => {
      const tab = new BrowserSession(bff.url);
      const { callback } = await signInThroughProvider(tab, { provider: "local", login: "dora", next });
      expect(callback.status).toBe(303);
      expect(callback.headers.get("location")).toBe("/");
    },
  );

  it("says a provider is unreachable, with a page, and signs in through the others meanwhile", async () => {
    const tab = new BrowserSession(bff.url);
    const res = await tab.fetch("/auth/oidc/down/start", { redirect: "manual" });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain("Down SSO is not reachable");
    expect(tab.cookies.has("berth_oidc")).toBe(false);
    expect((await signInThroughProvider(tab, { provider: "local", login: "dora" })).callback.status).toBe(
      303,
    );
  });

  it("answers an unknown provider with a page, not a redirect", async () => {
    const res = await fetch(`${bff.url}/auth/oidc/nope/start`, { redirect: "manual" });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("No such sign-in provider");
  });
});

describe("berth login --web through the dashboard", () => {
  const verifier = "cli-verifier-".padEnd(50, "x");
  const query = (port: number) =>
    new URLSearchParams({
      port: String(port),
      state: "state-of-the-cli-1234",
      challenge: challengeOf(verifier),
    });
  const whoAmI = (token: string) =>
    createClient(AuthService, createGrpcTransport({ baseUrl: server.apiUrl })).whoAmI(
      {},
      { headers: { authorization: `Bearer ${token}` } },
    );

  it("hands a signed-in person's CLI a token of their role and identity, once, in one redirect", async () => {
    const tab = new BrowserSession(bff.url);
    expect((await signInThroughProvider(tab, { provider: "local", login: "dora" })).callback.status).toBe(
      303,
    );

    const confirm = await tab.fetch(`/auth/cli?${query(45678)}`, { redirect: "manual" });
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("dora@example.com (deployer)");
    // The confirm form may post to this site and its answer go to the CLI's listener, nowhere else.
    expect(confirm.headers.get("content-security-policy")).toContain(
      "form-action 'self' http://127.0.0.1:45678",
    );
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";

    const granted = await tab.fetch("/auth/cli", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `${query(45678)}&csrf=${encodeURIComponent(csrf)}`,
      redirect: "manual",
    });
    expect(granted.status).toBe(303);
    const loopback = new URL(granted.headers.get("location") ?? "");
    expect(loopback.origin).toBe("http://127.0.0.1:45678");
    expect(loopback.pathname).toBe("/callback");
    expect(loopback.searchParams.get("state")).toBe("state-of-the-cli-1234");
    const code = loopback.searchParams.get("code") ?? "";

    // Someone who saw the code but lacks the verifier gets nothing, and burns it.
    const exchange = (body: unknown) =>
      fetch(`${bff.url}/auth/cli/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const stolen = await exchange({ code, verifier: "wrong-verifier-".padEnd(50, "y") });
    expect(stolen.status).toBe(400);
    expect((await exchange({ code, verifier })).status).toBe(400);

    // The honest run: a fresh grant, redeemed by the CLI with its verifier.
    const again = await tab.fetch("/auth/cli", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `${query(45678)}&csrf=${encodeURIComponent(csrf)}`,
      redirect: "manual",
    });
    const code2 = new URL(again.headers.get("location") ?? "").searchParams.get("code");
    const redeemed = await exchange({ code: code2, verifier });
    expect(redeemed.status).toBe(200);
    const { token } = (await redeemed.json()) as { token: string };
    const me = (await whoAmI(token)).token;
    expect(me).toMatchObject({ role: Role.DEPLOYER, kind: TokenKind.LOGIN });
    expect(me?.identity).toMatchObject({ provider: "local", subject: "dora", email: "dora@example.com" });
  });

  it("sends a browser without a session to sign in first, and refuses a cross-site or token-less grant", async () => {
    const tab = new BrowserSession(bff.url);
    const start = await tab.fetch(`/auth/cli?${query(45679)}`, { redirect: "manual" });
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toBe(
      `/login?next=${encodeURIComponent(`/auth/cli?${query(45679)}`)}`,
    );

    await signInThroughProvider(tab, { provider: "local", login: "dora" });
    const crossSite = new BrowserSession(bff.url, "https://evil.example");
    for (const [name, c] of tab.cookies) crossSite.cookies.set(name, c);
    const forged = await crossSite.fetch("/auth/cli", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: query(45679).toString(),
      redirect: "manual",
    });
    expect(forged.status).toBe(403);
    const noCsrf = await tab.fetch("/auth/cli", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: query(45679).toString(),
      redirect: "manual",
    });
    expect(noCsrf.status).toBe(401);
    const badPort = await tab.fetch(`/auth/cli?${query(45679).toString().replace("45679", "evil.example")}`);
    expect(badPort.status).toBe(400);
  });
});
