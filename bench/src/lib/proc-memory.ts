// Memory of a process tree from /proc, and of a container from its memory cgroup: what one app instance costs
// on the process platform (entrypoint + app) and on docker (the container's processes, and the cgroup's charge).
import { readFileSync } from "node:fs";
import { descendantsOf } from "./proc-cpu.js";

/** VmRSS of a /proc/<pid>/status text in bytes (undefined when the field is absent, e.g. a zombie). */
export function parseVmRss(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * Where a process's memory is accounted, from its /proc/<pid>/cgroup text: the v1 `memory` controller's path
 * if there is one, else the v2 unified path (`0::/…`).
 */
export function parseMemoryCgroup(cgroup: string): { version: 1 | 2; path: string } | undefined {
  const lines = cgroup.split("\n").map((l) => l.split(":"));
  const v1 = lines.find((f) => f.length >= 3 && f[1]!.split(",").includes("memory"));
  if (v1) return { version: 1, path: v1.slice(2).join(":") };
  const v2 = lines.find((f) => f.length >= 3 && f[0] === "0" && f[1] === "");
  return v2 ? { version: 2, path: v2.slice(2).join(":") } : undefined;
}

/** A cgroup memory file's content (a byte count) as a number; throws naming the file on anything else. */
export function parseCgroupBytes(text: string, file: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new Error(`${file}: expected a byte count, got "${t.slice(0, 40)}"`);
  return Number(t);
}

/** Resident memory of `pid` and all its descendants in bytes (processes that ended meanwhile count 0). */
export function rssTreeBytes(pid: number): number {
  let sum = 0;
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      sum += parseVmRss(readFileSync(`/proc/${p}/status`, "utf8")) ?? 0;
    } catch {
      // gone between the listing and the read
    }
  }
  return sum;
}

/**
 * The memory charged to `pid`'s memory cgroup in bytes (v1 memory.usage_in_bytes or v2 memory.current, both
 * include page cache), or undefined when the cgroup filesystem does not show it here.
 */
export function cgroupMemoryBytes(pid: number): number | undefined {
  try {
    const cg = parseMemoryCgroup(readFileSync(`/proc/${pid}/cgroup`, "utf8"));
    if (!cg) return undefined;
    const file =
      cg.version === 1
        ? `/sys/fs/cgroup/memory${cg.path}/memory.usage_in_bytes`
        : `/sys/fs/cgroup${cg.path}/memory.current`;
    return parseCgroupBytes(readFileSync(file, "utf8"), file);
  } catch {
    return undefined;
  }
}
