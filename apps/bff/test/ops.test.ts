// Serving the SPA, health and metrics. The SPA tests use buildBff + inject (no listener needed).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildBff } from "../src/build-bff.js";
import { BrowserSession, messageOf } from "./helpers/browser-session.js";
import { startTestStack, type TestStack, testMetricsToken } from "./helpers/test-stack.js";

// Nothing listens on port 1: the BFF must cope with a server it cannot reach.
const unreachableServer = "http://127.0.0.1:1";

describe("serving the SPA", () => {
  let dist: string;
  let app: FastifyInstance | undefined;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), "berth-web-dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(
      join(dist, "index.html"),
      '<!doctype html><script type="module" src="/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dist, "assets", "index-abc123.js"), "console.log('app')");
    writeFileSync(join(dist, "favicon.svg"), "<svg/>");
    writeFileSync(join(dist, "assets", "big-def456.js"), "x".repeat(4096));
    writeFileSync(join(dist, "assets", "big-def456.js.br"), brotliCompressSync("x".repeat(4096)));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it("caches hashed assets forever and revalidates index.html, with a strict CSP", async () => {
    app = await buildBff({ serverUrl: unreachableServer, webDistDir: dist, logger: false });
    const index = await app.inject({ url: "/" });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain("index-abc123.js");
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(String(index.headers["content-security-policy"])).toContain("script-src 'self'");

    const asset = await app.inject({ url: "/assets/index-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await app.inject({ url: "/favicon.svg" })).headers["cache-control"]).toBe("no-cache");
  });

  it("serves the build's precompressed files to browsers that accept them", async () => {
    app = await buildBff({ serverUrl: unreachableServer, webDistDir: dist, logger: false });
    const br = await app.inject({ url: "/assets/big-def456.js", headers: { "accept-encoding": "br, gzip" } });
    expect(br.statusCode).toBe(200);
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe("x".repeat(4096));
    const plain = await app.inject({
      url: "/assets/big-def456.js",
      headers: { "accept-encoding": "identity" },
    });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe("x".repeat(4096));
  });

  it("falls back to index.html for client routes, never for the API or missing files", async () => {
    app = await buildBff({ serverUrl: unreachableServer, webDistDir: dist, logger: false });
    const route = await app.inject({
      url: "/projects/shop/apps/web?tab=logs",
      headers: { accept: "text/html" },
    });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain("index-abc123.js");
    expect(route.headers["cache-control"]).toBe("no-cache");

    for (const url of ["/api/nope", "/auth/nope", "/assets/index-old999.js"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().message, url).toMatch(/^no (route|file)/);
    }
    expect((await app.inject({ method: "POST", url: "/projects" })).statusCode).toBe(404);
  });

  it("says how to build the dashboard when there is no dist", async () => {
    app = await buildBff({ serverUrl: unreachableServer, webDistDir: join(dist, "missing"), logger: false });
    const res = await app.inject({ url: "/" });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain("npm run build -w @berth/web");
  });

  it("reports an unreachable server on /healthz and refuses logins with 502", async () => {
    app = await buildBff({ serverUrl: unreachableServer, logger: false, metricsToken: "ops" });
    const health = await app.inject({ url: "/healthz" });
    expect(health.statusCode).toBe(503);
    // The public answer names no address and echoes no upstream error text.
    expect(health.json()).toEqual({ status: "degraded" });
    const detailed = await app.inject({ url: "/healthz", headers: { authorization: "Bearer ops" } });
    expect(detailed.json()).toMatchObject({ status: "degraded", server: { reachable: false } });
    const login = await app.inject({ method: "POST", url: "/auth/login", payload: { token: "berth_x" } });
    expect(login.statusCode).toBe(502);
    expect(login.json().message).toMatch(/unreachable/);
  });
});

describe("health and metrics with a real server", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it("keeps /metrics and the detailed /healthz for the operator's token", async () => {
    const url = (path: string) => new URL(path, stack.bff.url);
    expect(await (await fetch(url("/healthz"))).json()).toEqual({ status: "ok" });
    const anonymous = await fetch(url("/metrics"));
    expect(anonymous.status).toBe(401);
    expect(await messageOf(anonymous)).toMatch(/Authorization: Bearer/);
    const wrong = await fetch(url("/metrics"), { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    // Nor does a signed-in browser get them: a session is not the operator.
    const tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);
    expect((await tab.fetch("/metrics")).status).toBe(401);

    const off = await buildBff({ serverUrl: stack.server.apiUrl, logger: false });
    try {
      const res = await off.inject({ url: "/metrics", headers: { authorization: "Bearer " } });
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toMatch(/BERTH_BFF_METRICS_TOKEN/);
    } finally {
      await off.close();
    }
  });

  it("is healthy while the server answers and degraded once it is gone", async () => {
    const operator = { headers: { authorization: `Bearer ${testMetricsToken}` } };
    const ok = await fetch(new URL("/healthz", stack.bff.url), operator);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      status: "ok",
      server: { reachable: true, url: stack.server.apiUrl },
    });

    const metrics = await (await fetch(new URL("/metrics", stack.bff.url), operator)).text();
    for (const name of [
      "berth_bff_upstream_streams_open",
      "berth_bff_exec_sessions_open",
      "berth_bff_sessions",
      "berth_bff_http_request_duration_seconds_bucket",
    ]) {
      expect(metrics).toContain(name);
    }

    const tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(stack.adminToken)).status).toBe(200);

    await stack.server.close();
    // A session the BFF cannot re-check is neither signed out nor vouched for.
    const me = await tab.fetch("/auth/me");
    expect(me.status).toBe(503);
    expect(await messageOf(me)).toBe("the Berth server is unreachable; retrying");
    const down = await fetch(new URL("/healthz", stack.bff.url), operator);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ server: { reachable: false } });
  });
});
