// Log latency: from the moment an app writes a line to the moment a GetLogStream follower (another
// gRPC client) receives it, through the real entrypoint and server, following the whole deployment.
// Run: npx tsx bench/src/log-latency.ts [--instances N] [--quiet-only]   → bench/results/log-latency.json
// (--instances: how many instances write at once, default 1; --quiet-only: skip the 100,000 lines/s phase)
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { entrypointRuntime } from "../../apps/server/src/entrypoint/entrypoint-runtime.js";
import { percentiles, startHarness } from "./runtime-harness.js";

const now = () => performance.timeOrigin + performance.now();

const { values: args } = parseArgs({
  options: { instances: { type: "string", default: "1" }, "quiet-only": { type: "boolean", default: false } },
});
const instances = Number(args.instances);
if (!Number.isInteger(instances) || instances < 1)
  throw new Error(`--instances must be a positive integer, got "${args.instances}"`);
const loadRounds = args["quiet-only"] ? 0 : 300;

// Phase 1: one line every 10 ms. Phase 2: 100,000 lines/s of filler with a timed marker every 10 ms.
const appSource = `
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(500);
for (let i = 0; i < 1000; i++) { process.stdout.write("quiet t=" + now().toFixed(3) + "\\n"); await sleep(10); }
const filler = "x".repeat(80) + "\\n";
for (let i = 0; i < ${loadRounds}; i++) {
  process.stdout.write(filler.repeat(1000));
  process.stdout.write("load t=" + now().toFixed(3) + "\\n");
  await sleep(10);
}
process.stdout.write("done\\n");
await sleep(600000);
`;

const h = await startHarness(appSource, instances);
let done = 0;
const quiet: number[] = [];
const load: number[] = [];
let lines = 0;
let skipped = 0n;
let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
const ac = new AbortController();
for await (const res of h.clients.logs.getLogStream(
  { deploymentId: h.deployment.deploymentId, follow: true, tailLines: 1 },
  { signal: ac.signal },
)) {
  const at = now();
  // Lines lost either way: the reader fell behind (skipped) or the entrypoint's buffer overflowed (dropped).
  skipped += res.skipped + res.dropped;
  for (const line of res.lines) {
    lines++;
    const text = Buffer.from(line.data).toString();
    const m = /^(quiet|load) t=([\d.]+)$/.exec(text);
    if (m) (m[1] === "quiet" ? quiet : load).push(at - Number(m[2]));
    if (text === "done" && ++done === instances) ac.abort();
  }
  if (ac.signal.aborted) break;
}
clearInterval(rssTimer);
const { logs } = entrypointRuntime(h.server.ctx);
const stored = h.deployment.instanceIds.reduce((n, id) => n + (logs.window(id)?.lastSeq ?? 0), 0);
await h.close();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  instances,
  quiet: percentiles(quiet.slice(50)),
  underLoad: loadRounds > 0 ? percentiles(load.slice(10)) : undefined,
  linesStored: stored,
  linesReceived: lines,
  skippedAnnounced: Number(skipped),
  peakRssMb: Math.round(peakRss / 1e6),
};
const out = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "log-latency.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
