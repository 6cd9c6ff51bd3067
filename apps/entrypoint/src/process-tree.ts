import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { setTimeout as delay } from "node:timers/promises";

/** One process of the table: its parent, process group, session and state letter (R, S, Z…). */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
}

/** Every process visible in /proc (Linux; empty elsewhere). Processes that exit while we look are skipped. */
export function listProcesses(): ProcessEntry[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcessEntry[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      // The command name (field 2) may contain spaces and parentheses: parse after the last ")".
      // Then: state (3), ppid (4), pgrp (5), session (6).
      const [state = "", ppid, pgid, sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), sid: Number(sid), state });
    } catch {
      // The process exited while we looked.
    }
  }
  return out;
}

/** Pids of every descendant of `pid`, by parent links in `table`. */
export function descendantPids(pid: number, table = listProcesses()): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
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

/**
 * Live pids of the session `leader` leads: itself, every process of its session or process group (background
 * jobs, even once the leader is gone), and their descendants (also those that called setsid while their parent lives).
 * Zombies are left out: they are dead already.
 */
export function sessionPids(leader: number, table = listProcesses()): number[] {
  const members = table
    .filter((p) => p.pid === leader || p.sid === leader || p.pgid === leader)
    .map((p) => p.pid);
  const all = new Set(members);
  for (const m of members) for (const d of descendantPids(m, table)) all.add(d);
  const live = new Set(table.filter((p) => p.state !== "Z" && p.state !== "X").map((p) => p.pid));
  return [...all].filter((p) => live.has(p));
}

/**
 * Ends what a command left behind: SIGHUP (what a terminal hang-up sends) to every process of its session,
 * then SIGKILL to whatever is still there after `graceMs`. Resolves once none is left (bounded: 1 s after SIGKILL).
 */
export async function endSession(leader: number, graceMs: number): Promise<void> {
  if (listProcesses().length === 0) return endGroup(leader, graceMs);
  const signalAll = (signal: NodeJS.Signals) => {
    const pids = sessionPids(leader);
    for (const p of pids) {
      try {
        process.kill(p, signal);
      } catch {
        // Already exited.
      }
    }
    return pids.length;
  };
  if (signalAll("SIGHUP") === 0) return;
  // As the kernel does for a hung-up terminal: a stopped job (Ctrl-Z) must run to act on its SIGHUP.
  signalAll("SIGCONT");
  const deadline = Date.now() + graceMs;
  // Most commands die of the hang-up at once; checking often lets the session end without the whole grace.
  while (Date.now() < deadline) {
    await delay(Math.min(50, Math.max(1, deadline - Date.now())));
    if (sessionPids(leader).length === 0) return;
  }
  signalAll("SIGKILL");
  // SIGKILL cannot be refused, but delivery is not instant: resolve once the session is really gone.
  for (let i = 0; i < 40 && sessionPids(leader).length > 0; i++) await delay(25);
}

/** Without /proc (macOS) the session cannot be listed: its leader's process group is what can be reached. */
async function endGroup(leader: number, graceMs: number): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals | 0) => {
    try {
      process.kill(-leader, signal);
      return true;
    } catch {
      return false;
    }
  };
  if (!signalGroup("SIGHUP")) return;
  signalGroup("SIGCONT");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await delay(Math.min(50, Math.max(1, deadline - Date.now())));
    if (!signalGroup(0)) return;
  }
  signalGroup("SIGKILL");
}

/** The shell-style exit code of a process that ended by `signal` (128 + number). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
