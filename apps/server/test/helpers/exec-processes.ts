import { readFileSync } from "node:fs";
import { descendantPids, listProcesses, sessionPids } from "../../../entrypoint/src/process-tree.js";
import { pollUntil } from "./runtime-fixture.js";

/**
 * Typed into an interactive sh: a background job, and a grandchild that left for a session of its own
 * (setsid), then a line naming the shell's pid. `processesOfShell(pid, 4)` then sees all four.
 */
export const spawnChildrenLine = "sleep 121 & sh -c 'setsid sleep 122 & wait' & echo \"shell pid $$\"\n";
/** Matches the line `spawnChildrenLine` prints (not its echo in a terminal, which shows `$$`). */
export const shellPidPattern = /shell pid (\d+)/;

const livePids = () =>
  new Set(
    listProcesses()
      .filter((p) => p.state !== "Z")
      .map((p) => p.pid),
  );

/** Waits until the session led by `leader` has at least `count` live processes; returns their pids. */
export function processesOfSession(leader: number, count: number): Promise<number[]> {
  return pollUntil(() => {
    const pids = sessionPids(leader);
    return pids.length >= count ? pids : undefined;
  }, 10_000);
}

/** The pid of the live descendant of `root` running exactly `argv` (read from /proc/<pid>/cmdline). */
export function findCommand(root: number, argv: string[]): Promise<number> {
  const wanted = `${argv.join("\0")}\0`;
  return pollUntil(
    () =>
      descendantPids(root).find((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "latin1") === wanted;
        } catch {
          return false;
        }
      }),
    10_000,
  );
}

/**
 * Waits until none of `pids` is alive and no live process is left in the session or process group of
 * `leader` (by the pgid and sid fields of /proc/<pid>/stat); fails naming what is left.
 */
export async function awaitGone(leader: number, pids: number[], timeoutMs = 20_000): Promise<void> {
  const left = () => {
    const live = livePids();
    return [...new Set([...pids.filter((p) => live.has(p)), ...sessionPids(leader)])];
  };
  try {
    await pollUntil(() => left().length === 0, timeoutMs);
  } catch {
    const stuck = left();
    // Nothing a test started may outlive it, even when it fails.
    for (const p of stuck) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    throw new Error(`processes of the command still running after ${timeoutMs} ms: ${stuck.join(", ")}`);
  }
}
