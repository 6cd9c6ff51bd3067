// Run by data-plane.ts in a child process (so its CPU is its own): the Node router in front of one upstream port.
// The hook to swap for apps/router's proxy once it exists: start it here with the same host and upstream.
// Prints one JSON line ({ port }) when listening; exits when stdin closes.
import { startUrlRouter } from "../../apps/server/src/router/url-router.js";

const upstreamPort = Number(process.argv[2]);
const baseDomain = process.argv[3] ?? "bench.test";
if (!Number.isInteger(upstreamPort) || upstreamPort <= 0)
  throw new Error(`bad upstream port: ${process.argv[2]}`);
const router = await startUrlRouter({
  host: "127.0.0.1",
  port: 0,
  baseDomain,
  route: () => ({ ok: true, port: upstreamPort, deploymentId: "bench" }),
});
process.stdout.write(`${JSON.stringify({ port: router.port })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void router.close().then(() => process.exit(0)));
