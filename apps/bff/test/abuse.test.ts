// Bad input and abuse against the real BFF and server: rate-limited logins, oversized and garbage API
// bodies, revoked tokens. Each must get a clear answer while other sessions carry on.
import { AuthService, ProjectService, Role, TokenKind } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../server/test/helpers/api-client.js";
import { buildBff } from "../src/build-bff.js";
import { apiTransport } from "./helpers/api-transport.js";
import { BrowserSession, messageOf, signInWithLink } from "./helpers/browser-session.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

function projectsVia(tab: BrowserSession) {
  const transport = apiTransport(tab);
  return createClient(ProjectService, transport);
}

describe("BFF under bad input", () => {
  let stack: TestStack;
  let tab: BrowserSession;

  beforeAll(async () => {
    stack = await startTestStack();
    tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("answers oversized and garbage API bodies with Connect errors", async () => {
    const projects = projectsVia(tab);
    const huge = await errorOf(
      projects.getApplication({ app: { project: "x".repeat(2 * 1024 * 1024), app: "a" } }),
    );
    expect(huge.code).toBe(Code.ResourceExhausted);

    const garbage = await tab.fetch("/api/berth.v1.ProjectService/ListProjects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(garbage.status).toBe(400);
    expect(((await garbage.json()) as { code: string }).code).toBe("invalid_argument");

    const unknown = await tab.fetch("/api/berth.v1.NoSuchService/Nope", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(unknown.status).toBe(404);

    // Machine-only services are not reachable from the browser.
    const entrypoint = await tab.fetch("/api/berth.v1.EntrypointService/UploadLogs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(entrypoint.status).toBe(404);

    await projects.listProjects({});
  });

  it("ends a session whose token the server revoked", async () => {
    const auth = createClient(AuthService, createGrpcTransport({ baseUrl: stack.server.apiUrl }));
    const admin = { headers: { authorization: `Bearer ${stack.adminToken}` } };
    const issued = await auth.createToken(
      { kind: TokenKind.LOGIN, role: Role.DEPLOYER, name: "temp" },
      admin,
    );
    const victim = new BrowserSession(stack.bff.url);
    expect((await victim.login(issued.secret)).status).toBe(200);
    await projectsVia(victim).listProjects({});

    await auth.revokeToken({ id: issued.token!.id }, admin);
    const err = await errorOf(projectsVia(victim).listProjects({}));
    expect(err.code).toBe(Code.Unauthenticated);
    expect((await victim.fetch("/auth/me")).status).toBe(401);
  });
});

describe("login rate limit", () => {
  let stack: TestStack;
  let tab: BrowserSession;

  beforeAll(async () => {
    stack = await startTestStack();
    // Signed in through a login link, which has its own budget, so all 20 attempts below are the attacker's.
    const auth = createClient(AuthService, createGrpcTransport({ baseUrl: stack.server.apiUrl }));
    const { code } = await auth.createLoginCode(
      { role: Role.ADMIN, name: "ada" },
      { headers: { authorization: `Bearer ${stack.adminToken}` } },
    );
    tab = new BrowserSession(stack.bff.url);
    expect((await signInWithLink(tab, code)).status).toBe(303);
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("answers 429 after 20 wrong logins in a row, and the signed-in session carries on", async () => {
    const attacker = new BrowserSession(stack.bff.url);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await attacker.login(`berth_wrong-${i}`)).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const limited = await attacker.login("berth_wrong-again");
    expect(limited.status).toBe(429);
    expect(await messageOf(limited)).toMatch(/too many attempts; try again in/);
    expect(limited.headers.get("retry-after")).toBeTruthy();
    // Even the right token waits now: the limit is on attempts, not on mistakes.
    expect((await attacker.login(stack.adminToken)).status).toBe(429);

    expect((await tab.fetch("/auth/me")).status).toBe(200);
    await projectsVia(tab).listProjects({});
  });
});

describe("login rate limit behind a reverse proxy", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The test talks from 127.0.0.1, so it plays the proxy: its X-Forwarded-For names the browser.
    stack = await startTestStack({
      trustProxy: "127.0.0.1",
      loginRateLimit: { max: 5, timeWindowMs: 60_000 },
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  /** A browser behind the proxy at `address`. */
  const behindProxy = (address: string) => {
    const tab = new BrowserSession(stack.bff.url);
    const fetchVia = tab.fetch;
    tab.fetch = (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("x-forwarded-for", address);
      return fetchVia(input, { ...init, headers });
    };
    return tab;
  };

  it("gives each browser its own bucket: an attacker cannot lock out the right token", async () => {
    const attacker = behindProxy("203.0.113.9");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attacker.login(`berth_wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await behindProxy("198.51.100.7").login(stack.adminToken)).status).toBe(200);
  });

  it("refuses to honour X-Forwarded-For from anyone", async () => {
    await expect(
      buildBff({ serverUrl: stack.server.apiUrl, trustProxy: true, logger: false }),
    ).rejects.toThrow(/BERTH_TRUST_PROXY.*proxy's addresses/);
  });
});

describe("login rate limit without a trusted proxy", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ loginRateLimit: { max: 5, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("ignores X-Forwarded-For, so a client cannot hop buckets by inventing addresses", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const tab = new BrowserSession(stack.bff.url);
      statuses.push(
        (
          await tab.fetch("/auth/login", {
            method: "POST",
            headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i}` },
            body: JSON.stringify({ token: `berth_wrong-${i}` }),
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
