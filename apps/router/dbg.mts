import { RouteTableSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { createServer, request } from "node:http";
import { mkdtempSync } from "node:fs";
import { startRouter } from "./src/start-router.ts";
import { saveRouteSnapshot } from "./src/feed/route-snapshot.ts";
const up = createServer((_q, r) => r.end("hi")); await new Promise<void>((r) => up.listen(0, "127.0.0.1", r));
const port = (up.address() as any).port;
const dir = mkdtempSync("/tmp/dbgr-");
await saveRouteSnapshot(`${dir}/routes.snapshot`, create(RouteTableSchema, { version: 5n, baseDomain: "localhost",
  apps: [{ project: "p", app: "a", targets: [{ deploymentId: "d", weight: 100 }] }],
  deployments: [{ id: "d", project: "p", app: "a", seq: 1, endpoints: [{ instanceId: "i", host: "127.0.0.1", port, healthy: true }] }] }));
const opts = { source: { subscribe: () => () => {} }, host: "127.0.0.1", port: 47123, snapshotPath: `${dir}/routes.snapshot`, engine: { use: "haproxy" as const, haproxyDir: `${dir}/haproxy` }, log: console.log };
const r1 = await startRouter(opts);
const r2 = await startRouter(opts);
for (let i = 0; i < 6; i++) {
const res = await new Promise<string>((ok) => request({ host: "127.0.0.1", port: r2.port, agent: false, headers: { host: "a.p.localhost" } }, (x) => { let b = ""; x.on("data", (d) => b += d); x.on("end", () => ok(`${x.statusCode} ${b.slice(0,80)}`)); }).end());
console.log(res);
}
await r2.close(); up.close(); process.exit(0);
