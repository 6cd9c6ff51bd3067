// The browser's API through the BFF: a browser-side Connect client (connect-web over fetch, carrying
// only the session cookie and the CSRF header) against the real BFF and the real server.
import { DashboardService, DeploymentService, EventService, ProjectService, Role } from "@berth/proto";
import { Code, createClient } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor, errorOf } from "../../server/test/helpers/api-client.js";
import { apiTransport } from "./helpers/api-transport.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { eventually, metricValue } from "./helpers/metrics-text.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

function clientsFor(tab: BrowserSession) {
  const transport = apiTransport(tab);
  return {
    projects: createClient(ProjectService, transport),
    deployments: createClient(DeploymentService, transport),
    events: createClient(EventService, transport),
    dashboard: createClient(DashboardService, transport),
  };
}

describe("BFF API gateway", () => {
  let stack: TestStack;
  let tab: BrowserSession;
  let api: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    stack = await startTestStack();
    tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);
    api = clientsFor(tab);
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("refuses calls without a session as Unauthenticated", async () => {
    const anonymous = clientsFor(new BrowserSession(stack.bff.url));
    const err = await errorOf(anonymous.projects.listProjects({}));
    expect(err.code).toBe(Code.Unauthenticated);
    expect(err.rawMessage).toMatch(/not signed in/);
  });

  it("writes and lists through the BFF, with server errors intact", async () => {
    let requestId: string | null = null;
    // Writing projects is the CLI's job (not open to the browser): straight to the server.
    const server = clientFor(stack.server, ProjectService, stack.adminToken);
    await server.upsertProject({ name: "shop" });
    await server.upsertApplication({ app: { project: "shop", app: "web" }, labels: { team: "a" } });
    const { projects } = await api.projects.listProjects(
      {},
      {
        onHeader: (h) => {
          requestId = h.get("x-request-id");
        },
      },
    );
    expect(requestId).toBeTruthy();
    expect(projects.map((p) => p.name)).toContain("shop");
    const { deployments } = await api.deployments.listDeployments({ app: { project: "shop", app: "web" } });
    expect(deployments).toEqual([]);

    const missing = await errorOf(api.projects.getApplication({ app: { project: "shop", app: "nope" } }));
    expect(missing.code).toBe(Code.NotFound);
    expect(missing.rawMessage).toMatch(/nope/);
    const invalid = await errorOf(
      api.deployments.listDeployments({ app: { project: "Not Valid!", app: "web" } }),
    );
    expect(invalid.code).toBe(Code.InvalidArgument);
  });

  it("requires the CSRF header and same origin on calls", async () => {
    const noCsrf = new BrowserSession(stack.bff.url);
    for (const [name, c] of tab.cookies) noCsrf.cookies.set(name, c);
    const refused = await errorOf(
      clientsFor(noCsrf).deployments.destroyDeployment({ deploymentId: "01NOSUCHDEPLOYMENT" }),
    );
    expect(refused.code).toBe(Code.PermissionDenied);
    expect(refused.rawMessage).toMatch(/X-CSRF-Token/);

    const evil = new BrowserSession(stack.bff.url, "http://evil.example");
    for (const [name, c] of tab.cookies) evil.cookies.set(name, c);
    evil.csrfToken = tab.csrfToken;
    const cross = await errorOf(clientsFor(evil).projects.listProjects({}));
    expect(cross.code).toBe(Code.PermissionDenied);
    expect(cross.rawMessage).toMatch(/cross-origin/);
  });

  it("answers the dashboard's view RPCs", async () => {
    const viewer = await api.dashboard.getViewer({});
    expect(viewer.role).toBe(Role.ADMIN);
    const overview = await api.dashboard.getAppOverview({ app: { project: "shop", app: "web" } });
    expect(overview.application?.labels).toEqual({ team: "a" });
    expect(overview.released).toBeUndefined();
    expect(overview.recentDeployments).toEqual([]);
    const missing = await errorOf(api.dashboard.getAppOverview({ app: { project: "shop", app: "gone" } }));
    expect(missing.code).toBe(Code.NotFound);
  });

  it("gives the Get started page the API address, to signed-in people only", async () => {
    expect((await api.dashboard.getCliSetup({})).serverUrl).toBe(stack.server.apiUrl.replace(/\/$/, ""));
    const anonymous = clientsFor(new BrowserSession(stack.bff.url));
    expect((await errorOf(anonymous.dashboard.getCliSetup({}))).code).toBe(Code.Unauthenticated);
  });

  it("follows a live event stream", async () => {
    const abort = new AbortController();
    const stream = api.events
      .watchEvents({ project: "shop" }, { signal: abort.signal })
      [Symbol.asyncIterator]();
    const first = await stream.next();
    expect(first.value?.event.case).toBe("heartbeat");
    await clientFor(stack.server, ProjectService, stack.adminToken).upsertApplication({
      app: { project: "shop", app: "api" },
    });
    let seen: string | undefined;
    for (let i = 0; i < 5 && !seen; i++) {
      const next = await stream.next();
      if (next.value?.event.case === "application") seen = next.value.event.value.name;
    }
    expect(seen).toBe("api");
    abort.abort();
  });

  it("cancels upstream streams when the browser goes away: no leaks after 100 cycles", async () => {
    // Count live subscriptions on the server's real event bus.
    const bus = stack.server.ctx.events;
    const subscribe = bus.subscribe.bind(bus);
    let live = 0;
    bus.subscribe = (filter, signal) =>
      (async function* () {
        live++;
        try {
          yield* subscribe(filter, signal);
        } finally {
          live--;
        }
      })();

    for (let i = 0; i < 100; i++) {
      const abort = new AbortController();
      const stream = api.events.watchEvents({}, { signal: abort.signal })[Symbol.asyncIterator]();
      const first = await stream.next();
      expect(first.value?.event.case).toBe("heartbeat");
      abort.abort();
      await stream.next().catch(() => undefined);
    }
    const drained = await eventually(
      async () => live === 0 && (await metricValue(stack.bff.url, "berth_bff_upstream_streams_open")) === 0,
    );
    expect({ live, bff: await metricValue(stack.bff.url, "berth_bff_upstream_streams_open") }).toEqual({
      live: 0,
      bff: 0,
    });
    expect(drained).toBe(true);
  });

  it("answers Unauthenticated once logged out", async () => {
    const other = new BrowserSession(stack.bff.url);
    await other.login(stack.adminToken);
    const client = clientsFor(other);
    await client.projects.listProjects({});
    expect((await other.fetch("/auth/logout", { method: "POST" })).status).toBe(204);
    const err = await errorOf(client.projects.listProjects({}));
    expect(err.code).toBe(Code.Unauthenticated);
  });

  it("never let the session's token out in any API answer", () => {
    expect(tab.seen.length).toBeGreaterThan(100);
    for (const seen of tab.seen) {
      expect(seen.body).not.toContain(stack.adminToken);
      for (const [name, value] of seen.headers) expect(`${name}: ${value}`).not.toContain(stack.adminToken);
    }
  });
});
