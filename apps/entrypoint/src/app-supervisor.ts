import { sleep } from "@berth/failover";
import { type AppExit, type AppProcess, spawnAppProcess } from "./app-process.js";
import type { RunAs } from "./entrypoint-env.js";
import type { SplitLine } from "./line-splitter.js";

export type { AppExit } from "./app-process.js";

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
  /** The port the serving app listens on (its PORT); 0 when it was given none. */
  port: number;
}

export interface AppSupervisorOptions {
  /** The app's command and arguments (what follows `--`). */
  command: string[];
  cwd: string;
  /** The env the entrypoint was started with; config vars already in it (and PORT, when the app gets one). */
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
   * Resolves true when a freshly started app is ready (listens on `port`), false when it did not within the
   * caller's bound (apps that never listen, such as workers). Until then it reports "starting", so a rolling
   * config change waits for it. Default: ready at once.
   */
  ready?(port: number, signal: AbortSignal): Promise<boolean>;
  /** A free port for the replacement started by a config change (default: the same port, no surge possible). */
  freePort?(): Promise<number>;
  /** How long the replaced app keeps running (finishing in-flight requests) after its replacement is ready. */
  drainMs?: number;
  /** How long a stopping app gets after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface AppSupervisor {
  start(): void;
  /**
   * Replaces the app with one running a new config (env overlay) and revision, surge-first: the new process
   * starts on a new port, and only once it is ready does it become the app (status reports its port) and the
   * old one is stopped after the drain period. When it cannot start or never gets ready, the old one keeps
   * serving, status.configError says why, and the returned promise rejects.
   */
  applyConfig(vars: Record<string, string>, revision: number): Promise<void>;
  /** Whether `vars` differ from the config the app runs with (a new revision may change nothing here). */
  configDiffers(vars: Record<string, string>): boolean;
  /** Records a new revision without a restart (its vars are what the app already has). */
  adoptRevision(vars: Record<string, string>, revision: number): void;
  /** Forwards a signal to the app (and to a replacement starting or an old one draining). */
  kill(signal: NodeJS.Signals): void;
  /** The env the app runs with now (exec sessions get the same). */
  readonly env: Record<string, string>;
  readonly status: AppStatus;
  /** Resolves when the serving app exits by itself (not when a config change replaces it). */
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

/** Runs the app as a child process, captures its output line by line, replaces it on config change. */
export function createAppSupervisor(options: AppSupervisorOptions): AppSupervisor {
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const drainMs = options.drainMs ?? 2_000;
  const ready = options.ready ?? (async () => true);
  let env = { ...options.env };
  let configKeys = new Set(options.configKeys ?? []);
  let current: AppProcess | undefined;
  // Whether the serving app became ready by listening: then its replacement must listen too.
  let listened = false;
  // A replacement still starting, or a replaced app draining: signals reach them too.
  const others = new Set<AppProcess>();
  const status: AppStatus = {
    state: "starting",
    pid: 0,
    exitCode: 0,
    configRevision: options.configRevision,
    restarts: 0,
    configError: "",
    configErrorRevision: 0,
    port: Number(env.PORT) || 0,
  };
  let resolveExited!: (e: AppExit) => void;
  const exited = new Promise<AppExit>((r) => {
    resolveExited = r;
  });

  const report = () => options.onStatus({ ...status });
  const launch = (launchEnv: Record<string, string>) =>
    spawnAppProcess({
      command: options.command,
      cwd: options.cwd,
      env: launchEnv,
      user: options.user,
      onLine: options.onLine,
    });
  const serve = (proc: AppProcess) => {
    current = proc;
    void proc.exit.then((exit) => {
      if (current !== proc) return; // replaced: its exit is the drain's end, not the app's
      Object.assign(status, { state: "exited", exitCode: exit.code, pid: 0 });
      report();
      resolveExited(exit);
    });
  };
  /** Resolves true (listening), false (not within the bound) or "exited" (gone before it was ready). */
  const readiness = (proc: AppProcess, port: number): Promise<boolean | "exited"> => {
    const gone = new AbortController();
    const exit = proc.exit.then(() => {
      gone.abort();
      return "exited" as const;
    });
    return Promise.race([ready(port, gone.signal).then((ok) => (gone.signal.aborted ? "exited" : ok)), exit]);
  };
  const refuse = (revision: number, why: string) => {
    status.configError = `config revision ${revision} could not be applied: ${why}`;
    status.configErrorRevision = revision;
    report();
    return new Error(status.configError);
  };

  return {
    start() {
      status.state = "starting";
      report();
      const proc = launch(env);
      serve(proc);
      if (!proc.pid) return;
      status.pid = proc.pid;
      report();
      void readiness(proc, status.port).then((ok) => {
        if (current !== proc || ok === "exited") return;
        listened = ok;
        status.state = "running";
        report();
      });
    },
    async applyConfig(vars, revision) {
      const next = { ...env };
      for (const k of configKeys) delete next[k];
      Object.assign(next, vars, { BERTH_CONFIG_REVISION: String(revision) });
      const port = status.port > 0 && options.freePort ? await options.freePort() : status.port;
      if (port > 0) next.PORT = String(port);
      let proc: AppProcess;
      try {
        proc = launch(next);
      } catch (err) {
        // The new config cannot even start the app: the old one keeps serving.
        refuse(revision, startErrorText(err));
        throw err;
      }
      others.add(proc);
      try {
        const ok = await readiness(proc, port);
        const mustListen = listened && port > 0;
        if (ok === "exited" || (mustListen && !ok) || status.state === "exited") {
          const exit = await proc.stop(stopTimeoutMs);
          if (status.state === "exited") return; // the serving app is gone: the entrypoint ends anyway
          throw refuse(
            revision,
            ok === "exited"
              ? `the app exited (code ${exit.code}) before it was ready; the previous config keeps serving`
              : `the app did not listen on port ${port} in time; the previous config keeps serving`,
          );
        }
        const old = current;
        env = next;
        configKeys = new Set(Object.keys(vars));
        serve(proc);
        listened = ok === true;
        Object.assign(status, {
          state: "running",
          pid: proc.pid,
          port,
          exitCode: 0,
          configRevision: revision,
          restarts: status.restarts + 1,
          configError: "",
          configErrorRevision: 0,
        });
        // The server moves traffic to `port` on this report; the old app drains, then stops.
        report();
        if (old?.alive) {
          others.add(old);
          await sleep(drainMs);
          await old.stop(stopTimeoutMs);
          others.delete(old);
        }
      } finally {
        others.delete(proc);
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
      current?.signal(signal);
      for (const p of others) p.signal(signal);
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
