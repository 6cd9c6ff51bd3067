// Run by proxies.ts in a child process (so its CPU is its own): Berth's router (apps/router, the same code as
// `berth router run`) in front of one upstream port, fed one static route table.
// `bare` as the second argument turns per-deployment traffic metrics off.
// Prints one JSON line ({ port }) when listening; exits when stdin closes.
import { RouteTableSchema } from "@berth/proto";
import { startRouter } from "@berth/router";
import { create } from "@bufbuild/protobuf";

const upstreamPort = Number(process.argv[2]);
const baseDomain = "bench.test";
// "bare": per-deployment traffic metrics off, to measure what they cost.
const bare = process.argv[3] === "bare";
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0)
  throw new Error(`bad upstream port: ${process.argv[2]}`);
const table = create(RouteTableSchema, {
  version: 1n,
  baseDomain,
  apps: [{ project: "shop", app: "web", targets: [{ deploymentId: "bench", weight: 100 }] }],
  deployments: [
    {
      id: "bench",
      project: "shop",
      app: "web",
      seq: 1,
      endpoints: [{ instanceId: "i", host: "127.0.0.1", port: upstreamPort, healthy: true }],
    },
  ],
});
const router = await startRouter({
  source: {
    subscribe(onTable) {
      onTable(table);
      return () => {};
    },
  },
  host: "127.0.0.1",
  port: 0,
  trafficMetrics: !bare,
});
process.stdout.write(`${JSON.stringify({ port: router.port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void router.close().then(() => process.exit(0)));
