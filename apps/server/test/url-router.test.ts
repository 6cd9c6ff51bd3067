import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Route } from "../src/router/route-table.js";
import { startUrlRouter, type UrlRouter } from "../src/router/url-router.js";

const servers: Server[] = [];
let router: UrlRouter | undefined;

afterEach(async () => {
  await router?.close();
  router = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function backend(name: string): Promise<number> {
  const s = createServer((req, res) =>
    res.end(`${name} ${req.method} ${req.url} host=${req.headers["x-forwarded-host"]}`),
  );
  s.on("upgrade", (_req, socket) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: upgrade\r\n\r\n");
    socket.on("data", (d: Buffer) => socket.write(`${name}:${d.toString()}`));
    socket.on("end", () => socket.end());
    socket.on("error", () => socket.destroy());
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return (s.address() as AddressInfo).port;
}

function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", path: "/x?y=1", headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("url router", () => {
  it("proxies by host, answers clear error pages, and passes upgrades through", async () => {
    const a = await backend("a");
    const b = await backend("b");
    const routes: Record<string, Route> = {
      "web-3": { ok: true, port: a, deploymentId: "d3" },
      "web-app": { ok: true, port: b, deploymentId: "d4" },
      "dead-1": { ok: false, status: 503, message: "web v1 has no healthy instance" },
    };
    router = await startUrlRouter({
      host: "127.0.0.1",
      port: 0,
      baseDomain: "localhost",
      route: (t) =>
        routes[t.kind === "deployment" ? `${t.app}-${t.seq}` : `${t.app}-app`] ?? {
          ok: false,
          status: 404,
          message: "nope",
        },
    });
    expect(await get(router.port, "web--v3.shop.localhost:9702")).toEqual({
      status: 200,
      body: "a GET /x?y=1 host=web--v3.shop.localhost:9702",
    });
    expect((await get(router.port, "web.shop.localhost")).body).toMatch(/^b GET/);
    expect(await get(router.port, "dead--v1.shop.localhost")).toMatchObject({
      status: 503,
      body: expect.stringContaining("no healthy instance"),
    });
    expect((await get(router.port, "example.com")).status).toBe(404);

    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({
        port: router!.port,
        host: "127.0.0.1",
        headers: { host: "web--v3.shop.localhost", connection: "upgrade", upgrade: "echo" },
      });
      req.on("upgrade", (_res, socket) => {
        socket.once("data", (d: Buffer) => {
          resolve(d.toString());
          socket.destroy();
        });
        socket.write("ping");
      });
      req.on("error", reject);
      req.end();
    });
    expect(echoed).toBe("a:ping");
  });

  it("answers 502 when the instance is gone", async () => {
    const dead = await backend("x");
    await new Promise((r) => servers.pop()!.close(r));
    router = await startUrlRouter({
      host: "127.0.0.1",
      port: 0,
      baseDomain: "localhost",
      route: () => ({ ok: true, port: dead, deploymentId: "d" }),
    });
    const res = await get(router.port, "web--v1.shop.localhost");
    expect(res.status).toBe(502);
    expect(res.body).toContain(`port ${dead} did not answer`);
  });
});
