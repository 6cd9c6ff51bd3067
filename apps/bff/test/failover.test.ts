// The BFF given several server addresses: the first refuses connections (nothing listens there), the second is a
// real server. Sign-in, forwarded reads and /healthz all reach the second; a malformed list is refused up front.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { resolveBffConfig } from "../src/bff-options.js";
import { type RunningBff, startBff } from "../src/server.js";
import { BrowserSession } from "./helpers/browser-session.js";

// Nothing listens on port 1.
const deadServer = "http://127.0.0.1:1";

describe("BFF with two server addresses, the first dead", () => {
  let server: TestServer;
  let bff: RunningBff;

  beforeAll(async () => {
    server = await startTestServer({ shutdownGraceMs: 500 });
    bff = await startBff({
      serverUrl: `${deadServer},${server.apiUrl}`,
      port: 0,
      host: "127.0.0.1",
      shutdownGraceMs: 300,
      logger: false,
      metricsToken: "ops",
    });
  });

  afterAll(async () => {
    await bff?.close();
    await server?.dispose();
  });

  it("signs in and forwards the dashboard's reads through the second", async () => {
    const tab = new BrowserSession(bff.url);
    expect((await tab.login(server.bootstrapToken!)).status).toBe(200);
    const res = await tab.fetch("/api/berth.v1.ProjectService/ListProjects", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    // Declaring reads free of side effects must not open them to GET (no Origin or CSRF check there).
    const get = await tab.fetch(
      "/api/berth.v1.ProjectService/ListProjects?connect=v1&encoding=json&message=%7B%7D",
    );
    expect(get.status).toBe(405);
    const health = await fetch(new URL("/healthz", bff.url), { headers: { authorization: "Bearer ops" } });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ server: { reachable: true, url: server.apiUrl } });
  });
});

describe("BERTH_SERVER_URL with a bad entry", () => {
  it("is refused, naming the entry", () => {
    expect(() => resolveBffConfig({ serverUrl: `${deadServer}, ` })).toThrow(
      "serverUrl (BERTH_SERVER_URL) address 2 of 2 is empty",
    );
    expect(() => resolveBffConfig({ serverUrl: `${deadServer},127.0.0.1:9701/api` })).toThrow(
      'serverUrl (BERTH_SERVER_URL) address 2 of 2 "127.0.0.1:9701/api" must be a server\'s address only, without a path',
    );
  });
});
