import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { constants } from "node:os";
import type { IPty } from "node-pty";
import type { RunAs } from "./entrypoint-env.js";
import { endSession, signalExitCode } from "./process-tree.js";

export interface ExecProcessOptions {
  args: string[];
  tty: boolean;
  cols?: number;
  rows?: number;
  cwd: string;
  env: Record<string, string>;
  user?: RunAs;
  onData(data: Uint8Array, stderr: boolean): void;
  onExit(code: number, signal: string): void;
}

/** A command run for an exec session: in a PTY, or with plain pipes. */
export interface ExecProcess {
  write(data: Uint8Array): void;
  resize(cols: number, rows: number): void;
  closeStdin(): void;
  kill(signal: string): void;
  /** Ends the command's whole session (its background jobs too): SIGHUP, then SIGKILL after `graceMs`. */
  end(graceMs: number): Promise<void>;
  /** Stop reading output (the reader is behind); the kernel then blocks the command's writes. */
  pause(): void;
  resume(): void;
}

const require = createRequire(import.meta.url);
let ptyModule: typeof import("node-pty") | undefined;
// Loaded on first use: most entrypoints never run an exec, and startup should stay fast.
const loadPty = () => {
  ptyModule ??= require("node-pty") as typeof import("node-pty");
  return ptyModule;
};

/** Starts the command. Output handlers are attached before the child can write. */
export function startExecProcess(options: ExecProcessOptions): ExecProcess {
  return options.tty ? startPty(options) : startPipes(options);
}

function startPty(options: ExecProcessOptions): ExecProcess {
  const [file, ...args] = options.args;
  const pty: IPty = loadPty().spawn(file!, args, {
    name: "xterm-256color",
    cols: options.cols || 80,
    rows: options.rows || 24,
    cwd: options.cwd,
    env: { ...options.env, TERM: "xterm-256color" },
    encoding: null,
    ...options.user,
  });
  // node-pty buffers output until the first data listener is attached, within this same tick.
  pty.onData((d: string | Buffer) => options.onData(typeof d === "string" ? Buffer.from(d) : d, false));
  pty.onExit(({ exitCode, signal }) => {
    const name = signal ? signalName(signal) : "";
    options.onExit(name && exitCode === 0 ? signalExitCode(name as NodeJS.Signals) : exitCode, name);
  });
  let paused = false;
  return {
    write: (data) => pty.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
    resize: (cols, rows) => pty.resize(cols, rows),
    // A PTY has no separate stdin to close: send EOF (Ctrl-D) like a terminal would.
    closeStdin: () => pty.write("\x04"),
    kill: (signal) => pty.kill(signal),
    // node-pty makes the command a session leader (setsid), so its pid names its session.
    end: (graceMs) => endSession(pty.pid, graceMs),
    pause() {
      if (!paused) pty.pause();
      paused = true;
    },
    resume() {
      if (paused) pty.resume();
      paused = false;
    },
  };
}

function startPipes(options: ExecProcessOptions): ExecProcess {
  const [file, ...args] = options.args;
  // Detached: a session of its own (like a PTY's), so ending it reaches its children but never the app.
  const child = spawn(file!, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
    ...options.user,
  });
  child.stdout.on("data", (d: Buffer) => options.onData(d, false));
  child.stderr.on("data", (d: Buffer) => options.onData(d, true));
  child.stdin.on("error", () => {
    // The command closed its stdin or exited: further input has nowhere to go.
  });
  let exited = false;
  child.on("error", (e) => {
    if (exited) return;
    exited = true;
    options.onData(Buffer.from(`berth: cannot run ${file}: ${e.message}\r\n`), true);
    options.onExit(127, "");
  });
  child.on("close", (code, signal) => {
    if (exited) return;
    exited = true;
    options.onExit(code ?? (signal ? signalExitCode(signal) : 1), signal ?? "");
  });
  return {
    write: (data) => child.stdin.write(data),
    resize: () => {},
    closeStdin: () => child.stdin.end(),
    // To its whole process group, as a terminal delivers Ctrl-C: `sh -c "a & b"` must not leave `a` behind.
    kill(signal) {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already exited.
      }
    },
    end: (graceMs) => (child.pid ? endSession(child.pid, graceMs) : Promise.resolve()),
    pause() {
      child.stdout.pause();
      child.stderr.pause();
    },
    resume() {
      child.stdout.resume();
      child.stderr.resume();
    },
  };
}

function signalName(n: number): string {
  return Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `SIG${n}`;
}
