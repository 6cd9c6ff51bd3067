import { spawn } from "node:child_process";
import type { RunAs } from "./entrypoint-env.js";
import { createLineSplitter, type SplitLine } from "./line-splitter.js";
import { signalExitCode, signalTree } from "./process-tree.js";

export interface AppExit {
  code: number;
  signal: NodeJS.Signals | null;
}

export interface AppProcessOptions {
  command: string[];
  cwd: string;
  env: Record<string, string>;
  user?: RunAs;
  onLine(line: SplitLine, stream: "stdout" | "stderr"): void;
}

/** One run of the app: a child process whose output goes line by line to `onLine`. */
export interface AppProcess {
  /** 0 when the spawn failed (then `exit` resolves with 127). */
  readonly pid: number;
  /** Resolves once the process is gone and its output was read to the end. */
  readonly exit: Promise<AppExit>;
  readonly alive: boolean;
  /** Signals the whole tree: `sh -c "a && b"` would otherwise die alone and leave its children serving. */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the tree, SIGKILL after `timeoutMs`; resolves once it exited. */
  stop(timeoutMs: number): Promise<AppExit>;
}

/**
 * Spawns the app. Throws synchronously when the kernel refuses the spawn outright (E2BIG, a NUL byte); a
 * missing command shows as a line on stderr and exit code 127.
 */
export function spawnAppProcess(options: AppProcessOptions): AppProcess {
  const [file, ...args] = options.command;
  if (!file) throw new Error("no app command given after --");
  const proc = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    ...options.user,
  });
  // Handlers attached synchronously after spawn, before the event loop can deliver any output.
  const out = createLineSplitter((l) => options.onLine(l, "stdout"));
  const err = createLineSplitter((l) => options.onLine(l, "stderr"));
  proc.stdout.on("data", (c: Buffer) => out.push(c));
  proc.stderr.on("data", (c: Buffer) => err.push(c));
  let alive = proc.pid !== undefined;
  const exit = new Promise<AppExit>((resolve) => {
    proc.on("error", (e) => {
      alive = false;
      err.push(Buffer.from(`berth-entrypoint: cannot start ${file}: ${e.message}\n`));
      resolve({ code: 127, signal: null });
    });
    proc.on("close", (code, signal) => {
      alive = false;
      out.end();
      err.end();
      resolve({ code: code ?? (signal ? signalExitCode(signal) : 1), signal });
    });
  });
  const pid = proc.pid ?? 0;
  const signal = (sig: NodeJS.Signals) => {
    if (pid > 0 && proc.exitCode === null && proc.signalCode === null) signalTree(pid, sig);
  };
  return {
    pid,
    exit,
    get alive() {
      return alive;
    },
    signal,
    async stop(timeoutMs) {
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), timeoutMs);
      const e = await exit;
      clearTimeout(timer);
      return e;
    },
  };
}
