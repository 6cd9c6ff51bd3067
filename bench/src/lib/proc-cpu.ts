// CPU time of processes from /proc: per-request and per-line CPU is stable on a loaded machine where wall-clock
// throughput is not, so the bench reports it next to every throughput figure.
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

/** utime + stime of one process in ms (0 when it is gone). */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may itself contain spaces or parentheses.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** The pids of every living descendant of `pid` (children, their children, …). */
export function descendantsOf(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** CPU ms of `pid` itself and of its descendants, summed; processes that ended in between are not counted. */
export function cpuSplitOf(pid: number): { self: number; children: number } {
  return { self: cpuMsOf(pid), children: descendantsOf(pid).reduce((n, p) => n + cpuMsOf(p), 0) };
}

/** Starts a CPU meter over `pid` (and its descendants); `stop()` returns the ms each side used since. */
export function cpuMeter(pid: number): { stop(): { self: number; children: number } } {
  const before = cpuSplitOf(pid);
  return {
    stop() {
      const after = cpuSplitOf(pid);
      return { self: after.self - before.self, children: Math.max(0, after.children - before.children) };
    },
  };
}
