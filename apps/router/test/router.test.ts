import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RouteTable, RouteTableSchema } from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningRouter, startRouter } from "../src/start-router.js";

const servers: Server[] = [];
const routers: RunningRouter[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const r of routers.splice(0)) await r.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function backend(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) =>
    res.end(`${name} ${req.method} ${req.url} host=${req.headers["x-forwarded-host"]}`),
  );
  server.on("upgrade", (_req, socket) => {
    socket.write("HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: upgrade\r\n\r\n");
    socket.on("data", (d: Buffer) => socket.write(`${name}:${d.toString()}`));
    socket.on("end", () => socket.end());
    socket.on("error", () => socket.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, server };
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const { port, server } = await backend("gone");
  servers.splice(servers.indexOf(server), 1);
  await new Promise((r) => server.close(r));
  return port;
}

function get(port: number, host: string, accept = "*/*"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", path: "/x?y=1", headers: { host, accept } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

type TableInit = MessageInitShape<typeof RouteTableSchema>;
const endpoint = (port: number, healthy = true) => ({
  instanceId: `i${port}`,
  host: "127.0.0.1",
  port,
  healthy,
});

/** A source the test pushes tables into, as the server's feed would. */
function localSource() {
  let push: (t: RouteTable) => void = () => {};
  return {
    source: {
      subscribe(onTable: (t: RouteTable) => void) {
        push = onTable;
        return () => {
          push = () => {};
        };
      },
    },
    send: (init: TableInit) => push(create(RouteTableSchema, { baseDomain: "localhost", ...init })),
  };
}

async function router(options: { snapshotPath?: string; log?: (m: string) => void } = {}) {
  const feed = localSource();
  const r = await startRouter({ source: feed.source, host: "127.0.0.1", port: 0, ...options });
  routers.push(r);
  return { router: r, send: feed.send };
}

describe("router", () => {
  it("routes app and deployment hosts by the table, by weight, with clear error pages and upgrades", async () => {
    const a = await backend("a");
    const b = await backend("b");
    const { router: r, send } = await router();
    expect((await get(r.port, "web.shop.localhost")).status).toBe(503); // no table yet
    send({
      version: 1n,
      apps: [
        { project: "shop", app: "web", targets: [{ deploymentId: "d1", weight: 100 }] },
        { project: "shop", app: "new", targets: [] },
      ],
      deployments: [
        { id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint(a.port)] },
        { id: "d2", project: "shop", app: "web", seq: 2, endpoints: [endpoint(b.port)] },
        { id: "d3", project: "shop", app: "web", seq: 3, endpoints: [endpoint(b.port, false)] },
      ],
    });
    expect(await get(r.port, "web.shop.localhost:9702")).toEqual({
      status: 200,
      body: "a GET /x?y=1 host=web.shop.localhost:9702",
    });
    expect((await get(r.port, "web--v2.shop.localhost")).body).toMatch(/^b GET/);
    expect(await get(r.port, "web--v3.shop.localhost")).toMatchObject({
      status: 503,
      body: expect.stringContaining("web.shop v3 has no healthy instance"),
    });
    expect(await get(r.port, "web--v9.shop.localhost")).toMatchObject({ status: 404 });
    expect(await get(r.port, "new.shop.localhost")).toMatchObject({
      status: 404,
      body: expect.stringContaining("has not been released yet"),
    });
    expect((await get(r.port, "example.com")).status).toBe(404);
    const page = await get(r.port, "nope.shop.localhost", "text/html");
    expect(page.body).toContain("<!doctype html>");

    // A canary split: both deployments get requests.
    send({
      version: 2n,
      apps: [
        {
          project: "shop",
          app: "web",
          targets: [
            { deploymentId: "d1", weight: 50 },
            { deploymentId: "d2", weight: 50 },
          ],
        },
      ],
      deployments: [
        { id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint(a.port)] },
        { id: "d2", project: "shop", app: "web", seq: 2, endpoints: [endpoint(b.port)] },
      ],
    });
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++)
      seen.add((await get(r.port, "web.shop.localhost")).body[0]!);
    expect(seen).toEqual(new Set(["a", "b"]));

    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({
        port: r.port,
        host: "127.0.0.1",
        headers: { host: "web--v2.shop.localhost", connection: "upgrade", upgrade: "echo" },
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
    expect(echoed).toBe("b:ping");
  });

  it("retries a refused GET on the next instance, and answers 502 naming the app, not its port", async () => {
    const live = await backend("live");
    const dead = await deadPort();
    const { router: r, send } = await router();
    send({
      version: 1n,
      deployments: [
        { id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint(dead), endpoint(live.port)] },
      ],
    });
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(r.port, "web--v1.shop.localhost")).status);
    expect(statuses).toEqual(Array(20).fill(200));

    // A body was sent: not retried. Only a dead endpoint: a 502 that names the app, no port or errno.
    send({
      version: 2n,
      deployments: [{ id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint(dead)] }],
    });
    const res = await get(r.port, "web--v1.shop.localhost");
    expect(res.status).toBe(502);
    expect(res.body).toContain("web.shop v1 did not answer");
    expect(res.body).not.toContain(String(dead));
    expect(res.body).not.toMatch(/ECONN|errno/i);
  });

  it("serves the saved table when started without the server, and replaces a damaged one from the server", async () => {
    const a = await backend("a");
    const dir = await mkdtemp(join(tmpdir(), "berth-router-"));
    dirs.push(dir);
    const snapshotPath = join(dir, "routes.snapshot");
    const table: TableInit = {
      version: 7n,
      apps: [{ project: "shop", app: "web", targets: [{ deploymentId: "d1", weight: 100 }] }],
      deployments: [{ id: "d1", project: "shop", app: "web", seq: 1, endpoints: [endpoint(a.port)] }],
    };
    const first = await router({ snapshotPath });
    first.send(table);
    await first.router.close();
    routers.splice(routers.indexOf(first.router), 1);

    // No table from the server this time: the saved one serves.
    const second = await router({ snapshotPath });
    expect(second.router.table()?.version).toBe(7n);
    expect((await get(second.router.port, "web.shop.localhost")).body).toMatch(/^a GET/);
    await second.router.close();
    routers.splice(routers.indexOf(second.router), 1);

    // A damaged file is reported, never served in part; the server's next table replaces it.
    const { readFile } = await import("node:fs/promises");
    const bytes = await readFile(snapshotPath);
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] ?? 0) ^ 0xff;
    await writeFile(snapshotPath, bytes);
    const log: string[] = [];
    const third = await router({ snapshotPath, log: (m) => log.push(m) });
    expect(log.join("\n")).toContain("checksum mismatch");
    expect((await get(third.router.port, "web.shop.localhost")).status).toBe(503);
    third.send({ ...table, version: 8n });
    await third.router.close();
    routers.splice(routers.indexOf(third.router), 1);
    const fourth = await router({ snapshotPath });
    expect(fourth.router.table()?.version).toBe(8n);
  });
});
