// Memory of a process tree from /proc, and of a container from its memory cgroup: what one app instance costs
// on the process platform (entrypoint + app) and on docker (the container's processes, and the cgroup's charge).
import { readFileSync } from "node:fs";
import { descendantsOf } from "./proc-cpu.js";

/**
 * A memory field of a /proc/<pid>/status text in bytes (undefined when absent, e.g. in a zombie's): VmRSS, or
 * RssAnon (its private part: RSS less the file pages, such as node's own binary, that processes share).
 */
export function parseStatusBytes(status: string, field: "VmRSS" | "RssAnon" = "VmRSS"): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
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

/** Resident memory of `pid` and all its descendants in bytes, all and anonymous (ended processes count 0). */
export function rssTreeBytes(pid: number): { rss: number; anon: number } {
  const sum = { rss: 0, anon: 0 };
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8");
      sum.rss += parseStatusBytes(status) ?? 0;
      sum.anon += parseStatusBytes(status, "RssAnon") ?? 0;
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
