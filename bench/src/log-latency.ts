// Log latency: from the moment an app writes a line to the moment a GetLogStream follower (another
// gRPC client) receives it, through the real entrypoint (batching window 20 ms) and server.
// Run: npx tsx bench/src/log-latency.ts   → bench/results/log-latency.json
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { entrypointRuntime } from "../../apps/server/src/entrypoint/entrypoint-runtime.js";
import { percentiles, startHarness } from "./runtime-harness.js";

const now = () => performance.timeOrigin + performance.now();

// Phase 1: one line every 10 ms. Phase 2: 100,000 lines/s of filler with a timed marker every 10 ms.
const appSource = `
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(500);
for (let i = 0; i < 1000; i++) { process.stdout.write("quiet t=" + now().toFixed(3) + "\\n"); await sleep(10); }
const filler = "x".repeat(80) + "\\n";
for (let i = 0; i < 300; i++) {
  process.stdout.write(filler.repeat(1000));
  process.stdout.write("load t=" + now().toFixed(3) + "\\n");
  await sleep(10);
}
process.stdout.write("done\\n");
await sleep(600000);
`;

const h = await startHarness(appSource);
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
    if (text === "done") ac.abort();
  }
  if (ac.signal.aborted) break;
}
clearInterval(rssTimer);
const stored = entrypointRuntime(h.server.ctx).logs.window(h.deployment.instanceIds[0]!)?.lastSeq ?? 0;
await h.close();

const result = {
  date: new Date().toISOString(),
  node: process.version,
  quiet: percentiles(quiet.slice(50)),
  underLoad: percentiles(load.slice(10)),
  linesStored: stored,
  linesReceived: lines,
  skippedAnnounced: Number(skipped),
  peakRssMb: Math.round(peakRss / 1e6),
};
const out = fileURLToPath(new URL("../results/", import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "log-latency.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
