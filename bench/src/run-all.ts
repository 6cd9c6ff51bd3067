// `npm run bench`: runs every figure's module in turn, then writes bench/results/benchmarks.json and
// docs/benchmarks.md. Flags: --quick (a smoke run: fewer samples, shorter phases), --sections a,b (some modules;
// the others keep their figures from the last JSON), --render (only rewrite the markdown from the last JSON).
import { setMaxListeners } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchDashboard } from "./dashboard.js";
import { benchDataPlane } from "./data-plane.js";
import { benchDeploySpeed } from "./deploy-speed.js";
import { benchGrpcPeer } from "./grpc-peer.js";
import { benchHistory } from "./history-at-scale.js";
import { machine } from "./lib/machine.js";
import { repoRoot } from "./lib/stack.js";
import { benchLogs } from "./logs.js";
import { benchPlatforms } from "./platforms.js";
import { benchProxies } from "./proxies.js";
import { type BenchResults, renderBenchmarks } from "./render-benchmarks.js";
import { benchRouter } from "./router.js";
import { benchScale } from "./scale.js";
import { benchTerminal } from "./terminal.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sections: { type: "string" },
    render: { type: "boolean", default: false },
  },
});
// `npm run bench -- --quick` at the root reaches us through a nested `npm run`, which takes unknown flags as npm
// config: read those back from the environment too.
const npmFlag = (name: string): string | undefined => process.env[`npm_config_${name}`] || undefined;
const quick = (values.quick ?? false) || npmFlag("quick") === "true";
const renderOnly = (values.render ?? false) || npmFlag("render") === "true";
const onlyArg = values.sections ?? npmFlag("sections");
// 100 log followers share a few transports; each stream adds an abort listener to them.
setMaxListeners(500);

/** Each module: a name (the JSON key) and its run function. */
const modules: { name: string; run: () => Promise<unknown> }[] = [
  { name: "deploySpeed", run: () => benchDeploySpeed({ quick }) },
  { name: "logs", run: () => benchLogs({ quick }) },
  { name: "router", run: () => benchRouter({ quick }) },
  { name: "proxies", run: () => benchProxies({ quick }) },
  { name: "grpcPeer", run: () => benchGrpcPeer({ quick }) },
  { name: "dataPlane", run: () => benchDataPlane({ quick }) },
  { name: "terminal", run: () => benchTerminal({ quick }) },
  { name: "scale", run: () => benchScale({ quick }) },
  { name: "platforms", run: () => benchPlatforms({ quick }) },
  { name: "dashboard", run: () => benchDashboard({ quick }) },
  {
    name: "history",
    run: () =>
      benchHistory(
        quick
          ? { count: 10_000, runs: 5, lifecycleEvents: 50_000 }
          : { count: 100_000, runs: 25, lifecycleEvents: 1_000_000 },
      ),
  },
];

const jsonPath = join(repoRoot, "bench/results/benchmarks.json");
const previous = existsSync(jsonPath)
  ? (JSON.parse(readFileSync(jsonPath, "utf8")) as Partial<BenchResults>)
  : {};
const only = onlyArg?.split(",").map((s) => s.trim());
const figures: Record<string, unknown> = { ...(previous.figures ?? {}) };
// Errors of sections not rerun stay, like their figures.
const errors: Record<string, string> = { ...(previous.errors ?? {}) };
const started = Date.now();
for (const m of modules) {
  if (renderOnly || (only && !only.includes(m.name))) continue;
  const t0 = Date.now();
  const conditions = machine();
  process.stderr.write(`bench: ${m.name}…\n`);
  delete errors[m.name];
  try {
    figures[m.name] = {
      ...((await m.run()) as object),
      date: new Date().toISOString(),
      quick,
      machine: conditions,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
    process.stderr.write(`bench: ${m.name} done in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  } catch (e) {
    errors[m.name] = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`bench: ${m.name} FAILED: ${errors[m.name]}\n`);
  }
}
const results = (
  renderOnly
    ? previous
    : {
        // A partial rerun (--sections) keeps the full run's header; each section carries its own date and mode.
        date: (only && previous.date) || new Date().toISOString(),
        quick: only && previous.date ? (previous.quick ?? quick) : quick,
        totalSeconds:
          only && previous.totalSeconds ? previous.totalSeconds : Math.round((Date.now() - started) / 1000),
        machine: only && previous.machine ? previous.machine : machine(),
        figures,
        errors,
      }
) as BenchResults;
mkdirSync(join(repoRoot, "bench/results"), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(repoRoot, "docs/benchmarks.md"), renderBenchmarks(results));
process.stderr.write(
  `bench: wrote bench/results/benchmarks.json and docs/benchmarks.md in ${results.totalSeconds} s\n`,
);
process.exit(Object.keys(errors).length ? 1 : 0);
