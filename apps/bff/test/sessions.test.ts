// Sessions through the real BFF in front of a real server: login, reload, logout, login links, and
// the token never reaching anything a browser script could read.
import { request as httpRequest } from "node:http";
import { AuthService, Role, TokenKind } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../server/test/helpers/api-client.js";
import {
  createMemorySessionStore,
  type MemorySessionStoreOptions,
} from "../src/sessions/memory-session-store.js";
import type { SessionStore } from "../src/sessions/session-store.js";
import { BrowserSession, messageOf, signInWithLink } from "./helpers/browser-session.js";
import { eventually } from "./helpers/metrics-text.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

/** A real memory store that remembers which server token each session id was given (for the test to try). */
function recordingStore(options: MemorySessionStoreOptions = {}) {
  const inner = createMemorySessionStore(options);
  const tokens = new Map<string, string>();
  const store: SessionStore = {
    ...inner,
    async set(session) {
      tokens.set(session.id, session.token);
      await inner.set(session);
    },
  };
  return { store, tokens };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("BFF sessions", () => {
  let stack: TestStack;
  let serverAuth: ReturnType<typeof createClient<typeof AuthService>>;
  const asAdmin = () => bearer(stack.adminToken);
  const recorded = recordingStore();
  /** The server token behind a tab's session cookie. */
  const sessionToken = (tab: BrowserSession) => {
    const signed = tab.cookies.get("berth_session")?.value ?? "";
    const id = decodeURIComponent(signed).slice(0, decodeURIComponent(signed).lastIndexOf("."));
    const token = recorded.tokens.get(id);
    if (!token) throw new Error("this tab has no session the store knows");
    return token;
  };

  beforeAll(async () => {
    stack = await startTestStack({ sessionStore: recorded.store });
    serverAuth = createClient(AuthService, createGrpcTransport({ baseUrl: stack.server.apiUrl }));
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("logs in, survives a reload, logs out", async () => {
    const tab = new BrowserSession(stack.bff.url);
    const login = await tab.login(stack.adminToken);
    expect(login.status).toBe(200);
    const viewer = (await login.json()) as Record<string, unknown>;
    expect(viewer).toMatchObject({ name: expect.any(String), role: "admin", csrfToken: expect.any(String) });

    const session = tab.cookies.get("berth_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.attributes).toMatch(/SameSite=Lax/i);
    expect(tab.cookies.get("berth_csrf")?.httpOnly).toBe(false);
    expect(tab.cookies.get("berth_csrf")?.value).toBe(viewer.csrfToken);

    // A reload is a new page with the same cookie jar and no JS state.
    const reloaded = new BrowserSession(stack.bff.url);
    for (const [name, c] of tab.cookies) reloaded.cookies.set(name, c);
    const me = await reloaded.fetch("/auth/me");
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: "admin", csrfToken: viewer.csrfToken });

    // Logging out needs the CSRF token; without it the session survives.
    const forged = await reloaded.fetch("/auth/logout", { method: "POST" });
    expect(forged.status).toBe(403);
    expect(await messageOf(forged)).toMatch(/X-CSRF-Token/);
    expect((await reloaded.fetch("/auth/me")).status).toBe(200);

    reloaded.csrfToken = viewer.csrfToken as string;
    // Sent as a fetch with a JSON content-type and no body, like some clients do.
    const logout = await reloaded.fetch("/auth/logout", {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect(logout.status).toBe(204);
    expect(reloaded.cookies.has("berth_session")).toBe(false);
    // The old cookie is dead server-side too, not just forgotten by this tab.
    const me2 = await tab.fetch("/auth/me");
    expect(me2.status).toBe(401);

    for (const t of [tab, reloaded]) {
      for (const seen of t.seen) {
        expect(seen.body).not.toContain(stack.adminToken);
        for (const [name, value] of seen.headers) expect(`${name}: ${value}`).not.toContain(stack.adminToken);
      }
      expect(t.documentCookie()).not.toContain(stack.adminToken);
    }
  });

  it("expects the origin it is configured for, whatever Host a request claims", async () => {
    // A page on evil.example sending Host: evil.example (DNS rebinding, or a proxy passing Host through).
    const { port } = new URL(stack.bff.url);
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ token: stack.adminToken });
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/auth/login",
          headers: {
            host: "evil.example",
            origin: "http://evil.example",
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(403);
    // The local names of the loopback address it listens on are all this site (the quickstart says localhost).
    const local = new BrowserSession(stack.bff.url, `http://localhost:${port}`);
    expect((await local.login(stack.adminToken)).status).toBe(200);
  });

  it("refuses wrong tokens, non-login tokens and cross-origin logins with clear words", async () => {
    const tab = new BrowserSession(stack.bff.url);
    const wrong = await tab.login("berth_not-a-real-token");
    expect(wrong.status).toBe(401);
    expect(await messageOf(wrong)).toMatch(/not valid/);

    const runner = await serverAuth.createToken({ kind: TokenKind.RUNNER, name: "ci runner" }, asAdmin());
    const asRunner = await tab.login(runner.secret);
    expect(asRunner.status).toBe(403);
    expect(await messageOf(asRunner)).toMatch(/only login tokens.*runner token/);

    const evil = new BrowserSession(stack.bff.url, "http://evil.example");
    const cross = await evil.login(stack.adminToken);
    expect(cross.status).toBe(403);
    expect(evil.cookies.size).toBe(0);
  });

  it("answers malformed, oversized and forged requests with 4xx, not a crash", async () => {
    const tab = new BrowserSession(stack.bff.url);
    const post = (body: string, type = "application/json") =>
      tab.fetch("/auth/login", { method: "POST", headers: { "content-type": type }, body });

    const notJson = await post("{token:");
    expect(notJson.status).toBe(400);
    expect(await messageOf(notJson)).toMatch(/JSON/i);
    const missing = await post("{}");
    expect(missing.status).toBe(400);
    expect(await messageOf(missing)).toMatch(/token/);
    expect((await post(JSON.stringify({ token: 42 }))).status).toBe(400);
    expect((await post("token=x", "application/x-www-form-urlencoded")).status).toBe(415);
    const huge = await post(JSON.stringify({ token: "x".repeat(10_000) }));
    expect(huge.status).toBe(413);

    tab.cookies.set("berth_session", { value: "forged.signature", httpOnly: true, attributes: "" });
    expect((await tab.fetch("/auth/me")).status).toBe(401);

    // Still healthy afterwards.
    const ok = new BrowserSession(stack.bff.url);
    expect((await ok.login(stack.adminToken)).status).toBe(200);
  });

  it("signs in once with a login link, by pressing Sign in on its page", async () => {
    const { code } = await serverAuth.createLoginCode({ role: Role.DEPLOYER, name: "new user" }, asAdmin());
    const tab = new BrowserSession(stack.bff.url);
    expect((await signInWithLink(tab, code)).headers.get("location")).toBe("/");
    const me = await tab.fetch("/auth/me");
    expect(await me.json()).toMatchObject({ name: "new user", role: "deployer" });

    const again = await signInWithLink(new BrowserSession(stack.bff.url), code);
    expect(again.status).toBe(410);
    expect(await again.text()).toMatch(/expired or was already used/);
    const garbage = await new BrowserSession(stack.bff.url).fetch("/auth/magic/%3Cscript%3E", {
      redirect: "manual",
    });
    expect(garbage.status).toBe(400);
  });

  it("signs nobody in on a GET of a login link, nor on a POST from another site", async () => {
    const { code } = await serverAuth.createLoginCode({ role: Role.ADMIN, name: "scanned" }, asAdmin());
    // What a link scanner (or a cross-site <img>) does: GET it, follow whatever it says.
    const scanner = new BrowserSession(stack.bff.url, "");
    const page = await scanner.fetch(`/auth/magic/${code}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<form method="post" action="\/auth\/magic">/);
    expect(html).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    expect(html).not.toMatch(/<script/);
    expect(page.headers.getSetCookie()).toEqual([]);
    expect((await scanner.fetch("/auth/me")).status).toBe(401);

    const post = (tab: BrowserSession) =>
      tab.fetch("/auth/magic", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ code }).toString(),
        redirect: "manual",
      });
    // Login CSRF: another site's form, and a request with no Origin at all, are refused.
    const evil = new BrowserSession(stack.bff.url, "http://evil.example");
    expect((await post(evil)).status).toBe(403);
    expect(evil.cookies.size).toBe(0);
    expect((await post(scanner)).status).toBe(403);

    // The link still works for the person it was meant for.
    const tab = new BrowserSession(stack.bff.url);
    expect((await signInWithLink(tab, code)).status).toBe(303);
    expect(await (await tab.fetch("/auth/me")).json()).toMatchObject({ name: "scanned", role: "admin" });
  });

  it("gives the session its own server token, revoked on sign-out", async () => {
    const tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);
    const token = sessionToken(tab);
    expect(token).not.toBe(stack.adminToken);
    const info = (await serverAuth.whoAmI({}, bearer(token))).token;
    expect(info?.role).toBe(Role.ADMIN);
    // It expires with the session (7 days), not never.
    expect(Number(info?.expiresAt?.seconds) * 1000).toBeLessThanOrEqual(Date.now() + 7 * 24 * 3600_000);
    // The cookie lives as long as the session does if left alone: the 12 h idle window.
    expect(tab.cookies.get("berth_session")?.attributes).toMatch(/Max-Age=43200(;|$)/);

    expect((await tab.fetch("/auth/logout", { method: "POST" })).status).toBe(204);
    expect((await errorOf(serverAuth.whoAmI({}, bearer(token)))).code).toBe(Code.Unauthenticated);
    // Only the session's token: the pasted one still works.
    expect((await serverAuth.whoAmI({}, asAdmin())).token?.role).toBe(Role.ADMIN);

    // A link's token goes the same way.
    const { code } = await serverAuth.createLoginCode({ role: Role.VIEWER, name: "linked" }, asAdmin());
    const linked = new BrowserSession(stack.bff.url);
    expect((await signInWithLink(linked, code)).status).toBe(303);
    const linkToken = sessionToken(linked);
    expect((await serverAuth.whoAmI({}, bearer(linkToken))).token?.name).toBe("linked");
    expect((await linked.fetch("/auth/logout", { method: "POST" })).status).toBe(204);
    expect((await errorOf(serverAuth.whoAmI({}, bearer(linkToken)))).code).toBe(Code.Unauthenticated);
  });

  it("ends the session's server token when the pasted token is revoked", async () => {
    const pasted = await serverAuth.createToken(
      { kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "pasted" },
      asAdmin(),
    );
    const tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(pasted.secret)).status).toBe(200);
    await serverAuth.revokeToken({ id: pasted.token!.id }, asAdmin());
    expect((await errorOf(serverAuth.whoAmI({}, bearer(sessionToken(tab))))).code).toBe(Code.Unauthenticated);
    expect((await tab.fetch("/auth/me")).status).toBe(401);
  });

  it("sends security headers", async () => {
    const res = await fetch(new URL("/auth/me", stack.bff.url));
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("BFF sessions behind https", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ publicUrl: "https://berth.example.com" });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("uses Secure __Host- cookies and expects the public origin", async () => {
    const tab = new BrowserSession(stack.bff.url, "https://berth.example.com");
    const res = await tab.login(stack.adminToken);
    expect(res.status).toBe(200);
    const session = tab.cookies.get("__Host-berth_session");
    expect(session?.attributes).toMatch(/Secure/);
    expect(session?.attributes).toMatch(/Path=\//);
    expect(session?.attributes).not.toMatch(/Domain=/i);
    expect(tab.cookies.get("berth_csrf")?.attributes).toMatch(/Secure/);
    expect(res.headers.get("strict-transport-security")).toMatch(/max-age=/);

    // The address the BFF happens to listen on is not the site users are on.
    const direct = new BrowserSession(stack.bff.url);
    expect((await direct.login(stack.adminToken)).status).toBe(403);
  });
});

describe("BFF sessions left idle", () => {
  let stack: TestStack;
  let clock = Date.now();
  const inner = createMemorySessionStore({ now: () => clock });
  const tokens: string[] = [];
  const store: SessionStore = {
    ...inner,
    async set(session) {
      tokens.push(session.token);
      await inner.set(session);
    },
  };
  beforeAll(async () => {
    stack = await startTestStack({ sessionStore: store });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("revokes the session's server token once the session expires from disuse", async () => {
    const serverAuth = createClient(AuthService, createGrpcTransport({ baseUrl: stack.server.apiUrl }));
    const tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);
    const token = tokens.at(-1) ?? "";
    expect((await serverAuth.whoAmI({}, bearer(token))).token?.role).toBe(Role.ADMIN);

    clock += 13 * 3600_000;
    expect((await tab.fetch("/auth/me")).status).toBe(401);
    const revoked = await eventually(async () => {
      try {
        await serverAuth.whoAmI({}, bearer(token));
        return false;
      } catch {
        return true;
      }
    });
    expect(revoked).toBe(true);
  });
});
