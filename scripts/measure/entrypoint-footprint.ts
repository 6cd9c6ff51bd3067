// By hand (`npx tsx scripts/measure/entrypoint-footprint.ts [count] [trivial|logger] [floodLinesPerSecond]`): one
// stack, `berth up` of bench/apps/<app> with <count> instances, then the entrypoints' memory and CPU from /proc —
// after start, after 10 s idle and (logger) at the peak of a 10 s log flood — and the time to every instance healthy.
import { readdirSync, readFileSync } from "node:fs";
import { deployBenchApp } from "../../bench/src/lib/deploy-bench-app.js";
import { httpGet } from "../../bench/src/lib/http-get.js";
import { repoRoot, startBenchStack } from "../../bench/src/lib/stack.js";

const count = Number(process.argv[2] ?? 1);
const app = (process.argv[3] ?? "trivial") as "trivial" | "logger";
const flood = Number(process.argv[4] ?? 20_000);
const marker = `${repoRoot}apps/entrypoint/`;

interface Sample {
  pid: number;
  rssMb: number;
  pssMb: number;
  anonMb: number;
  cpuMs: number;
}

const kb = (text: string, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) / 1024;

function entrypoints(): Sample[] {
  const out: Sample[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (!cmd.includes(marker)) continue;
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const rollup = readFileSync(`/proc/${name}/smaps_rollup`, "utf8");
      const stat = readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]!.split(" ");
      out.push({
        pid: Number(name),
        rssMb: kb(status, "VmRSS"),
        pssMb: kb(rollup, "Pss"),
        anonMb: kb(status, "RssAnon"),
        cpuMs: (Number(stat[11]) + Number(stat[12])) * 10,
      });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function summary(label: string, s: Sample[]) {
  const avg = (f: (x: Sample) => number) =>
    (s.reduce((a, x) => a + f(x), 0) / Math.max(1, s.length)).toFixed(1);
  const max = (f: (x: Sample) => number) => Math.max(...s.map(f)).toFixed(1);
  process.stdout.write(
    `${label}: n=${s.length} rss avg ${avg((x) => x.rssMb)} max ${max((x) => x.rssMb)} MB, pss avg ${avg((x) => x.pssMb)} MB, ` +
      `anon avg ${avg((x) => x.anonMb)} MB, cpu avg ${avg((x) => x.cpuMs)} ms max ${max((x) => x.cpuMs)} ms\n`,
  );
}

const stack = await startBenchStack();
try {
  const d = await deployBenchApp(stack, count, app);
  const deployMs = d.up.timings.find((t) => t.phase === "deploy")?.ms ?? 0;
  process.stdout.write(
    `healthy ${d.healthy}/${count}; deploy phase ${deployMs} ms; berth up ${Math.round(d.up.wallMs)} ms\n`,
  );
  summary("after start", entrypoints());
  await new Promise((r) => setTimeout(r, 10_000));
  summary("idle 10 s", entrypoints());
  if (app === "logger") {
    await httpGet(`http://${d.appHost}/emit?rate=${flood}&seconds=10&tag=f`);
    let peak: Sample[] = [];
    const until = Date.now() + 12_000;
    while (Date.now() < until) {
      const s = entrypoints();
      if (s.reduce((a, x) => a + x.rssMb, 0) > peak.reduce((a, x) => a + x.rssMb, 0)) peak = s;
      await new Promise((r) => setTimeout(r, 100));
    }
    summary(`flood ${flood} lines/s peak`, peak);
    summary("after flood", entrypoints());
  }
} finally {
  await stack.close();
}
