// Bad input and abuse against the real BFF and server: rate-limited logins, oversized and garbage API
// bodies, revoked tokens. Each must get a clear answer while other sessions carry on.
import { AuthService, ProjectService, Role, TokenKind } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf } from "../../server/test/helpers/api-client.js";
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
