// The browser's boundary, generated from the policy table: through the real BFF (and a real server
// behind it) a signed-in admin reaches exactly the methods flagged `browser`, and a viewer is refused
// the flagged methods above its role before they reach the server.
import { AuthService, methodPolicies, Role, TokenKind } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, errorOf } from "../../server/test/helpers/api-client.js";
import { berthServices } from "../src/gateway/browser-services.js";
import { apiTransport } from "./helpers/api-transport.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

/** DashboardService is the BFF's own (GetViewer, GetAppOverview), not a forwarded server service. */
const bffOwned = "berth.v1.DashboardService";

const allMethods = berthServices()
  .filter((s) => s.typeName !== bffOwned)
  .flatMap((s) => s.methods.map((m) => `${s.typeName}/${m.name}`));
const closed = allMethods.filter((name) => !methodPolicies[name]?.browser);
const aboveViewer = allMethods.filter((name) => {
  const policy = methodPolicies[name];
  return policy?.browser && policy.role !== "viewer";
});

/** A Connect unary POST of `{}` as the tab's page would send it. */
function call(tab: BrowserSession, method: string): Promise<Response> {
  return tab.fetch(`/api/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "connect-protocol-version": "1" },
    body: "{}",
  });
}

describe("the browser boundary", () => {
  let stack: TestStack;
  let admin: BrowserSession;
  let viewer: BrowserSession;

  beforeAll(async () => {
    stack = await startTestStack();
    admin = new BrowserSession(stack.bff.url);
    expect((await admin.login(stack.adminToken)).status).toBe(200);
    const viewerToken = await clientFor(stack.server, AuthService, stack.adminToken).createToken({
      kind: TokenKind.LOGIN,
      role: Role.VIEWER,
      name: "boundary viewer",
    });
    viewer = new BrowserSession(stack.bff.url);
    expect((await viewer.login(viewerToken.secret)).status).toBe(200);
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("covers the table: some methods closed, some above a viewer", () => {
    expect(closed).toContain("berth.v1.AuthService/CreateToken");
    expect(aboveViewer).toContain("berth.v1.ReleaseService/Release");
  });

  it("answers 404 to a signed-in admin for every method not flagged for the browser", async () => {
    const answers: Record<string, number> = {};
    for (const method of closed) answers[method] = (await call(admin, method)).status;
    expect(answers).toEqual(Object.fromEntries(closed.map((m) => [m, 404])));
  });

  it("does not let an admin session mint a token through the BFF", async () => {
    const before = (await clientFor(stack.server, AuthService, stack.adminToken).listTokens({})).tokens
      .length;
    const err = await errorOf(
      createClient(AuthService, apiTransport(admin)).createToken({
        kind: TokenKind.LOGIN,
        role: Role.ADMIN,
        name: "walk away with this",
      }),
    );
    // Connect maps HTTP 404 to Unimplemented.
    expect(err.code).toBe(Code.Unimplemented);
    const after = (await clientFor(stack.server, AuthService, stack.adminToken).listTokens({})).tokens.length;
    expect(after).toBe(before);
  });

  it("answers 403 to a viewer for flagged methods above its role, before the server sees them", async () => {
    for (const method of aboveViewer) {
      const res = await call(viewer, method);
      expect({ method, status: res.status }).toEqual({ method, status: 403 });
      // The BFF's words, not the server's: the call never went upstream.
      expect(((await res.json()) as { message: string }).message).toMatch(/you are signed in as viewer/);
    }
  });
});
