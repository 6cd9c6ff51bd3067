// The haproxy data plane against a real haproxy and real endpoints on 127.0.0.1 (port 0-chosen free ports).
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { type RouteTable, RouteTableSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRuntimeApi } from "./runtime-api.js";
import { type HaproxyDataPlane, startHaproxyDataPlane } from "./start-haproxy-data-plane.js";

const haproxyBin = "/usr/sbin/haproxy";
const base = "apps.test";

interface Endpoint {
  name: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

async function startEndpoint(name: string): Promise<Endpoint> {
  const server = createServer((_req, res) => {
    res.setHeader("content-type", "text/plain");
    res.end(name);
  });
  // Upgraded sockets leave the server's bookkeeping (closeAllConnections): close() ends every socket itself.
  const sockets = new Set<Duplex>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  return {
    name,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      }),
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function get(
  port: number,
  host: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", headers: { host, ...headers }, agent },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"] ?? "") }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Sends `n` requests one after the other and counts the answers by body (non-200 answers as `status:<code>`). */
async function tally(port: number, host: string, n: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await get(port, host);
    const key = r.status === 200 ? r.body : `status:${r.status}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

type Ep = { port: number; healthy?: boolean };
type Deployments = { id: string; seq: number; endpoints: Ep[] }[];
type Release = { deploymentId: string; weight: number }[];

function table(version: number, deployments: Deployments, release?: Release): RouteTable {
  return create(RouteTableSchema, {
    version: BigInt(version),
    baseDomain: base,
    apps: [{ project: "shop", app: "web", targets: release ?? [] }],
    deployments: deployments.map((d) => ({
      id: d.id,
      project: "shop",
      app: "web",
      seq: d.seq,
      healthPath: "/",
      endpoints: d.endpoints.map((e, i) => ({
        instanceId: `${d.id}-i${i}`,
        host: "127.0.0.1",
        port: e.port,
        healthy: e.healthy ?? true,
      })),
    })),
  });
}

describe("haproxy data plane", () => {
  let dir: string;
  let plane: HaproxyDataPlane;
  let a: Endpoint;
  let b: Endpoint;
  const errors: Error[] = [];

  beforeAll(async () => {
    if (!existsSync(haproxyBin))
      throw new Error(
        `haproxy is not installed (${haproxyBin} is missing): run \`apt-get install haproxy\`; CI's .ci/run installs it`,
      );
    dir = await mkdtemp(join(tmpdir(), "berth-haproxy-test-"));
    plane = await startHaproxyDataPlane({
      host: "127.0.0.1",
      port: 0,
      dataDir: dir,
      backends: 8,
      slotsPerBackend: 4,
      onError: (e) => errors.push(e),
    });
  });

  afterAll(async () => {
    await plane?.close();
    agent.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let version = 0;
  const apply = (deployments: Deployments, release?: Release) =>
    plane.apply(table(++version, deployments, release));

  afterEach(async () => {
    await a?.close();
    await b?.close();
    expect(errors).toEqual([]);
  });

  it("routes deployment hosts to their deployment and the released host to the release", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply(
      [
        { id: "d1", seq: 1, endpoints: [{ port: a.port }] },
        { id: "d2", seq: 2, endpoints: [{ port: b.port }] },
      ],
      [{ deploymentId: "d1", weight: 100 }],
    );
    expect(await tally(plane.port, `web--v1.shop.${base}`, 6)).toEqual(new Map([["A", 6]]));
    expect(await tally(plane.port, `web--v2.shop.${base}:${plane.port}`, 6)).toEqual(new Map([["B", 6]]));
    expect(await tally(plane.port, `WEB.shop.${base}`, 6)).toEqual(new Map([["A", 6]]));
  });

  it("splits the released host by weight", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply(
      [
        { id: "d1", seq: 1, endpoints: [{ port: a.port }] },
        { id: "d2", seq: 2, endpoints: [{ port: b.port }] },
      ],
      [
        { deploymentId: "d1", weight: 75 },
        { deploymentId: "d2", weight: 25 },
      ],
    );
    const counts = await tally(plane.port, `web.shop.${base}`, 100);
    expect((counts.get("A") ?? 0) + (counts.get("B") ?? 0)).toBe(100);
    expect(counts.get("A")).toBeGreaterThanOrEqual(65);
    expect(counts.get("A")).toBeLessThanOrEqual(85);
  });

  it("moves the released host to a new release with no failed request", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    const deployments = [
      { id: "d1", seq: 1, endpoints: [{ port: a.port }] },
      { id: "d2", seq: 2, endpoints: [{ port: b.port }] },
    ];
    await apply(deployments, [{ deploymentId: "d1", weight: 100 }]);
    const seen: string[] = [];
    let switched = false;
    const loop = (async () => {
      // Bounded: runs until the switch is done, then 20 more requests.
      let after = 0;
      for (let i = 0; i < 2000 && after < 20; i++) {
        const r = await get(plane.port, `web.shop.${base}`);
        seen.push(r.status === 200 ? r.body : `status:${r.status}`);
        if (switched) after++;
      }
    })();
    while (seen.length < 20) await new Promise((r) => setImmediate(r));
    await apply(deployments, [{ deploymentId: "d2", weight: 100 }]);
    switched = true;
    await loop;
    expect(seen.filter((s) => s !== "A" && s !== "B")).toEqual([]);
    expect(seen.slice(-10)).toEqual(Array(10).fill("B"));
  });

  it("sends no traffic to an endpoint the table marks unhealthy", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply([{ id: "d1", seq: 1, endpoints: [{ port: a.port }, { port: b.port, healthy: false }] }]);
    expect(await tally(plane.port, `web--v1.shop.${base}`, 20)).toEqual(new Map([["A", 20]]));
  });

  it("retries a GET on the other endpoint when one stops answering", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply([{ id: "d1", seq: 1, endpoints: [{ port: a.port }, { port: b.port }] }]);
    const before = await tally(plane.port, `web--v1.shop.${base}`, 10);
    expect(before.get("B")).toBeGreaterThan(0);
    await b.close();
    // Within haproxy's check interval (2 s) B still counts as up: every request routed there is refused and retried.
    expect(await tally(plane.port, `web--v1.shop.${base}`, 40)).toEqual(new Map([["A", 40]]));
  });

  it("answers an unknown host with 404, an unreleased app with 404 and no healthy instance with 503", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply([{ id: "d3", seq: 3, endpoints: [{ port: a.port, healthy: false }] }]);
    const unknown = await get(plane.port, "nope.example.org");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain(`"nope.example.org" is not an app host; use <app>.<project>.${base}`);
    const html = await get(plane.port, "nope.example.org", { accept: "text/html" });
    expect(html.type).toContain("text/html");
    expect(html.body).toContain("404 Not found");
    const unreleased = await get(plane.port, `web.shop.${base}`);
    expect(unreleased).toMatchObject({
      status: 404,
      body: "404 Not found: web.shop has not been released yet\n",
    });
    const down = await get(plane.port, `web--v3.shop.${base}`);
    expect(down.status).toBe(503);
    expect(down.body).toBe("503 Unavailable: web.shop v3 has no healthy instance right now\n");
    expect(down.body).not.toContain(String(a.port));
    // A deployment the table no longer lists is an unknown host again.
    await apply([]);
    expect((await get(plane.port, `web--v3.shop.${base}`)).status).toBe(404);
  });

  it("tunnels a WebSocket upgrade to the deployment", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    a.server.on("upgrade", (req, socket: Duplex) => {
      // RFC 6455's accept value: haproxy checks the handshake it relays.
      const accept = createHash("sha1")
        .update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
        .digest("base64");
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.on("data", (d: Buffer) => socket.write(d.toString().toUpperCase()));
    });
    await apply([{ id: "d1", seq: 1, endpoints: [{ port: a.port }] }]);
    const socket = await new Promise<Duplex>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port: plane.port,
        headers: {
          host: `web--v1.shop.${base}`,
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-key": randomBytes(16).toString("base64"),
          "sec-websocket-version": "13",
        },
      });
      req.on("upgrade", (_res, s: Duplex) => resolve(s));
      req.on("response", (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      req.on("error", reject);
      req.end();
    });
    const echoed = new Promise<string>((resolve) =>
      socket.once("data", (d: Buffer) => resolve(d.toString())),
    );
    socket.write("hello");
    expect(await echoed).toBe("HELLO");
    socket.destroy();
  });

  it("throws naming the runtime command haproxy refused, then resyncs everything on the next apply", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    const both = [
      { id: "d1", seq: 1, endpoints: [{ port: a.port }] },
      { id: "d2", seq: 2, endpoints: [{ port: b.port }] },
    ];
    await apply(both);
    // Someone else edits haproxy behind the driver's back: the entry it will delete is gone.
    const hostsMap = join(dir, "hosts.map");
    await createRuntimeApi(join(dir, "admin.sock")).run(`del map ${hostsMap} web--v2.shop.${base}`);
    await expect(apply([both[0]!])).rejects.toThrow(
      `haproxy runtime API: "del map ${hostsMap} web--v2.shop.${base}" failed: Key not found.`,
    );
    await apply([both[0]!]);
    expect(await tally(plane.port, `web--v1.shop.${base}`, 4)).toEqual(new Map([["A", 4]]));
    expect((await get(plane.port, `web--v2.shop.${base}`)).status).toBe(404);
  });

  it("runs an apply's commands over one connection, stopping at the first that fails", async () => {
    const api = createRuntimeApi(join(dir, "admin.sock"));
    await expect(
      api.runAll([
        "set server berth_b7/s1 weight 5",
        "set server berth_b7/s99 weight 6",
        "set server berth_b7/s2 weight 7",
      ]),
    ).rejects.toThrow('haproxy runtime API: "set server berth_b7/s99 weight 6" failed: No such server.');
    // `show servers state`: … srv_name srv_addr srv_op_state srv_admin_state srv_uweight …
    const weights = (await api.send("show servers state berth_b7"))
      .split("\n")
      .filter((l) => /^\d+ berth_b7 /.test(l))
      .map((l) => l.split(" "))
      .map((f) => [f[3], f[7]]);
    expect(weights.slice(0, 2)).toEqual([
      ["s1", "5"],
      ["s2", "1"],
    ]);
    await api.run("set server berth_b7/s1 weight 1");
  });

  it("never sends a request down a reused slot's old connections", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    const c = await startEndpoint("C");
    try {
      // A takes slot 1 and leaves idle keep-alive connections there; B takes slot 2; C then reuses slot 1.
      await apply([{ id: "d1", seq: 1, endpoints: [{ port: a.port }] }]);
      expect(await tally(plane.port, `web--v1.shop.${base}`, 8)).toEqual(new Map([["A", 8]]));
      await apply([{ id: "d1", seq: 1, endpoints: [{ port: b.port }] }]);
      expect(await tally(plane.port, `web--v1.shop.${base}`, 8)).toEqual(new Map([["B", 8]]));
      await apply([{ id: "d1", seq: 1, endpoints: [{ port: c.port }] }]);
      expect(await tally(plane.port, `web--v1.shop.${base}`, 8)).toEqual(new Map([["C", 8]]));
    } finally {
      await c.close();
    }
  });

  it("refuses a table that needs more slots than declared, naming the app, and keeps serving the last one", async () => {
    [a, b] = await Promise.all([startEndpoint("A"), startEndpoint("B")]);
    await apply([{ id: "d1", seq: 1, endpoints: [{ port: a.port }] }]);
    const many = Array.from({ length: 5 }, (_, i) => ({ port: 40000 + i }));
    await expect(apply([{ id: "d1", seq: 1, endpoints: many }])).rejects.toThrow(
      "web.shop v1 needs 6 server slots during this change; 4 are declared per backend",
    );
    expect(await tally(plane.port, `web--v1.shop.${base}`, 4)).toEqual(new Map([["A", 4]]));
  });
});

describe("haproxy data plane process", () => {
  it("reports haproxy exiting on its own through onError", async () => {
    if (!existsSync(haproxyBin)) throw new Error(`haproxy is not installed (${haproxyBin} is missing)`);
    const dir = await mkdtemp(join(tmpdir(), "berth-haproxy-test-"));
    let reported: (e: Error) => void = () => {};
    const error = new Promise<Error>((resolve) => {
      reported = resolve;
    });
    const plane = await startHaproxyDataPlane({
      host: "127.0.0.1",
      port: 0,
      dataDir: dir,
      onError: reported,
    });
    try {
      process.kill(plane.pid, "SIGKILL");
      expect((await error).message).toMatch(/^haproxy exited \(SIGKILL\)/);
    } finally {
      await plane.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
