// App instances outlive a server that was killed (they run detached, to be re-adopted on the next start).
// Before `--fresh` deletes their data dir they must go too, or they would keep their ports with nobody
// supervising them.
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { defaultServerOptions } from "@berth/server";

/** Pids of live processes whose working directory is inside `dir` (Linux /proc; elsewhere none). */
export function processesInside(dir: string): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  for (const name of entries) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = readlinkSync(join("/proc", name, "cwd"));
      if (cwd === dir || cwd.startsWith(prefix)) pids.push(Number(name));
    } catch {
      // Exited meanwhile, or not ours to inspect.
    }
  }
  return pids;
}

/** SIGTERM, then SIGKILL after `graceMs`, to every process working inside the data dir's apps dir. */
export async function stopLeftoverApps(dataDir: string, graceMs = 3000): Promise<number> {
  const dir = defaultServerOptions(dataDir).appsDir;
  const pids = processesInside(dir);
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && processesInside(dir).length > 0)
    await new Promise((r) => setTimeout(r, 100));
  for (const pid of processesInside(dir)) signal(pid, "SIGKILL");
  return pids.length;
}
