import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";

/** Pids of every descendant of `pid` (Linux /proc; empty elsewhere). */
export function descendantPids(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      // Field 4 is the parent pid; the command name (field 2) may contain spaces, so parse after ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process exited while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** Sends a signal to a process and all its descendants, ignoring ones that are gone. */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of [pid, ...descendantPids(pid)]) {
    try {
      process.kill(p, signal);
    } catch {
      // Already exited.
    }
  }
}

/** The shell-style exit code of a process that ended by `signal` (128 + number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
