import { type ChildProcess, spawn } from "node:child_process";
import type { RunAs } from "./entrypoint-env.js";
import { createLineSplitter, type SplitLine } from "./line-splitter.js";
import { signalExitCode, signalTree } from "./process-tree.js";

export type AppState = "starting" | "running" | "exited";

export interface AppStatus {
  state: AppState;
  pid: number;
  exitCode: number;
  configRevision: number;
  /** Restarts done by this entrypoint (config changes). */
  restarts: number;
  /** Why the last pushed config could not be applied (the app runs on configRevision); empty once one applied. */
  configError: string;
  /** The revision configError is about. */
  configErrorRevision: number;
}

export interface AppExit {
  code: number;
  signal: NodeJS.Signals | null;
}

export interface AppSupervisorOptions {
  /** The app's command and arguments (what follows `--`). */
  command: string[];
  cwd: string;
  /** The env the entrypoint was started with; config vars already in it. */
  env: Record<string, string>;
  /** The user the app runs as (the entrypoint keeps its own, so the app cannot read or trace it). */
  user?: RunAs;
  /** Revision of the config in `env`. */
  configRevision: number;
  /** Config var names already in `env` (so a later config that unsets one removes it). */
  configKeys?: string[];
  onLine(line: SplitLine, stream: "stdout" | "stderr"): void;
  onStatus(status: AppStatus): void;
  /**
   * Resolves when a freshly started app is ready (e.g. listens on PORT); until then it reports
   * "starting", so a rolling config change waits for it before restarting the next instance.
   */
  ready?(signal: AbortSignal): Promise<unknown>;
  /** How long a stopping app gets after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface AppSupervisor {
  start(): void;
  /**
   * Restarts the app with a new config (env overlay) and revision. When the app cannot start with it (an
   * environment the kernel refuses), the app is restarted on its previous config, status.configError says why,
   * and the returned promise rejects.
   */
  applyConfig(vars: Record<string, string>, revision: number): Promise<void>;
  /** Whether `vars` differ from the config the app runs with (a new revision may change nothing here). */
  configDiffers(vars: Record<string, string>): boolean;
  /** Records a new revision without a restart (its vars are what the app already has). */
  adoptRevision(vars: Record<string, string>, revision: number): void;
  /** Forwards a signal to the app. */
  kill(signal: NodeJS.Signals): void;
  /** The env the app runs with now (exec sessions get the same). */
  readonly env: Record<string, string>;
  readonly status: AppStatus;
  /** Resolves when the app exits by itself (not when this supervisor restarts it). */
  readonly exited: Promise<AppExit>;
}

/** Why a spawn failed, in words an app owner can act on. */
function startErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "E2BIG")
    return "the environment is too large for the operating system (each variable must stay under 128 KiB)";
  if (code === "ERR_INVALID_ARG_VALUE") return "a config value contains a NUL byte";
  return (err as Error).message;
}

/** Runs the app as a child process, captures its output line by line, restarts it on config change. */
export function createAppSupervisor(options: AppSupervisorOptions): AppSupervisor {
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  let env = { ...options.env };
  let configKeys = new Set(options.configKeys ?? []);
  let child: ChildProcess | undefined;
  let childExit: Promise<AppExit> | undefined;
  let restarting = false;
  const status: AppStatus = {
    state: "starting",
    pid: 0,
    exitCode: 0,
    configRevision: options.configRevision,
    restarts: 0,
    configError: "",
    configErrorRevision: 0,
  };
  let resolveExited!: (e: AppExit) => void;
  const exited = new Promise<AppExit>((r) => {
    resolveExited = r;
  });

  const report = () => options.onStatus({ ...status });

  const start = () => {
    const [file, ...args] = options.command;
    if (!file) throw new Error("no app command given after --");
    status.state = "starting";
    report();
    const proc = spawn(file, args, {
      cwd: options.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      ...options.user,
    });
    child = proc;
    // Handlers attached synchronously after spawn, before the event loop can deliver any output.
    const out = createLineSplitter((l) => options.onLine(l, "stdout"));
    const err = createLineSplitter((l) => options.onLine(l, "stderr"));
    proc.stdout.on("data", (c: Buffer) => out.push(c));
    proc.stderr.on("data", (c: Buffer) => err.push(c));
    childExit = new Promise<AppExit>((resolve) => {
      proc.on("error", (e) => {
        err.push(Buffer.from(`berth-entrypoint: cannot start ${file}: ${e.message}\n`));
        resolve({ code: 127, signal: null });
      });
      proc.on("close", (code, signal) => {
        out.end();
        err.end();
        resolve({ code: code ?? (signal ? signalExitCode(signal) : 1), signal });
      });
    }).then((exit) => {
      if (child === proc) {
        status.state = "exited";
        status.exitCode = exit.code;
        status.pid = 0;
        report();
        if (!restarting) resolveExited(exit);
      }
      return exit;
    });
    if (proc.pid) {
      status.pid = proc.pid;
      report();
      const gone = new AbortController();
      proc.once("close", () => gone.abort());
      void (options.ready?.(gone.signal) ?? Promise.resolve()).then(() => {
        if (child !== proc || gone.signal.aborted) return;
        status.state = "running";
        report();
      });
    }
  };

  const stopChild = async () => {
    const proc = child;
    const done = childExit;
    if (!proc?.pid || !done || proc.exitCode !== null || proc.signalCode !== null) return;
    signalTree(proc.pid, "SIGTERM");
    const timer = setTimeout(() => proc.pid && signalTree(proc.pid, "SIGKILL"), stopTimeoutMs);
    await done;
    clearTimeout(timer);
  };

  return {
    start,
    async applyConfig(vars, revision) {
      const previous = { env, configKeys, revision: status.configRevision };
      const next = { ...env };
      for (const k of configKeys) delete next[k];
      Object.assign(next, vars, { BERTH_CONFIG_REVISION: String(revision) });
      env = next;
      configKeys = new Set(Object.keys(vars));
      restarting = true;
      try {
        await stopChild();
      } finally {
        restarting = false;
      }
      status.restarts++;
      status.configRevision = revision;
      try {
        start();
        status.configError = "";
        status.configErrorRevision = 0;
      } catch (err) {
        // The new config cannot even start the app: keep serving on the one it ran with.
        ({ env, configKeys } = previous);
        status.configRevision = previous.revision;
        status.configError = `config revision ${revision} could not be applied: ${startErrorText(err)}`;
        status.configErrorRevision = revision;
        start();
        throw err;
      }
    },
    configDiffers(vars) {
      for (const [k, v] of Object.entries(vars)) if (env[k] !== v) return true;
      for (const k of configKeys) if (!(k in vars)) return true;
      return false;
    },
    adoptRevision(vars, revision) {
      configKeys = new Set(Object.keys(vars));
      env = { ...env, BERTH_CONFIG_REVISION: String(revision) };
      status.configRevision = revision;
      status.configError = "";
      status.configErrorRevision = 0;
      report();
    },
    kill(signal) {
      // The whole tree: `sh -c "a && b"` would otherwise die alone and leave its children serving.
      if (child?.pid && child.exitCode === null && child.signalCode === null) signalTree(child.pid, signal);
    },
    get env() {
      return env;
    },
    get status() {
      return { ...status };
    },
    exited,
  };
}
