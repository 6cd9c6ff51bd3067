// What one app instance's wrapper costs: resident memory and CPU of the berth-entrypoint processes, from /proc.
import { readdirSync, readFileSync } from "node:fs";
import { repoRoot } from "./stack.js";

/** One berth-entrypoint process. */
export interface EntrypointSample {
  pid: number;
  rssMb: number;
  /** utime + stime since it started. */
  cpuMs: number;
  /** Start time in clock ticks after boot: orders processes by age. */
  startTicks: number;
}

const ticksPerSecond = 100; // USER_HZ on Linux
const marker = `${repoRoot}apps/entrypoint/`;

/** Every running berth-entrypoint of this repository (its bin or bundle on the command line). */
export function entrypointProcesses(): EntrypointSample[] {
  const out: EntrypointSample[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (!readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${name}/status`, "utf8"));
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command name, which may itself contain spaces or parentheses.
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({
        pid: Number(name),
        rssMb: rss ? Number(rss[1]) / 1024 : 0,
        cpuMs: ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond,
        startTicks: Number(rest[19]),
      });
    } catch {
      // The process ended between the listing and the reads.
    }
  }
  return out;
}

/** The `n` most recently started entrypoints (those of the deployment that just became healthy). */
export function newestEntrypoints(n: number): EntrypointSample[] {
  return entrypointProcesses()
    .sort((a, b) => b.startTicks - a.startTicks || b.pid - a.pid)
    .slice(0, n);
}
