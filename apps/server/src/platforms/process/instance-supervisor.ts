import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { constants } from "node:os";
import type { Writable } from "node:stream";
import type { HealthCheckSpec, InstanceView } from "../platform.js";
import { freePort } from "./free-port.js";
import { probeHealth } from "./health-probe.js";
import { type HealthTracker, nextHealth, restartDelayMs } from "./health-state.js";

export interface SupervisorOptions {
  view: InstanceView;
  command: string;
  health: HealthCheckSpec;
  /** argv that runs the command (through berth-entrypoint when available). */
  argv: (command: string) => [string, string[]];
  /** Environment of each start (config, BERTH_* facts, PORT). */
  env: (port: number) => Promise<Record<string, string>>;
  /**
   * For a start through an entrypoint: the entrypoint's own environment (in place of the app's) and what is
   * written to its fd 3 (its token and the app's environment: never in the entrypoint's environment).
   */
  handover?: (appEnv: Record<string, string>) => Promise<{ env: Record<string, string>; fd3: string }>;
  /** uid/gid of the spawned process (when it is the app itself, not an entrypoint that drops to them). */
  spawnAs?: { uid: number; gid: number };
  /** Time a stopped instance gets between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Delay before restarting after the n-th crash in a row (0-based); default: 250 ms doubling to 30 s. */
  restartDelayMs?: (crashesInARow: number) => number;
  onChange: (view: InstanceView) => void;
  onError: (err: unknown) => void;
}

/** How long a freshly started instance may fail its health probes without counting (it is still starting). */
const startGraceMs = 3000;

/**
 * Probe spacing for an instance that has not passed yet: 20 ms for its first second (most apps listen
 * within it, and a refused connect costs next to nothing), then 100 ms. Never more than the app's interval.
 */
function startingProbeDelay(startedAt: number | null, intervalMs: number): number {
  const young = Date.now() - (startedAt ?? 0) < 1000;
  return Math.min(young ? 20 : 100, intervalMs);
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Keeps one instance running: spawns it detached in its own process group (so it outlives a killed
 * server), notices when it exits, restarts it with backoff, and probes its health.
 */
export class InstanceSupervisor {
  readonly view: InstanceView;
  private child: ChildProcess | undefined;
  private stopping = false;
  private tracker: HealthTracker = { health: "unknown", failures: 0 };
  private crashesInARow = 0;
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: SupervisorOptions) {
    this.view = options.view;
  }

  private change(patch: Partial<InstanceView>): void {
    Object.assign(this.view, patch);
    this.options.onChange(this.view);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Spawns a fresh process. */
  async start(): Promise<void> {
    if (this.stopping) return;
    const port = await freePort();
    const appEnv = await this.options.env(port);
    const launch = this.options.handover
      ? await this.options.handover(appEnv)
      : { env: appEnv, fd3: undefined };
    // Stopped while the token was minted: starting now would leave a process nobody stops.
    if (this.stopping) return;
    const [file, args] = this.options.argv(this.options.command);
    const log = openSync(this.view.logFile, "a");
    try {
      const child = spawn(file, args, {
        cwd: this.view.cwd,
        env: launch.env,
        detached: true,
        stdio: launch.fd3 === undefined ? ["ignore", log, log] : ["ignore", log, log, "pipe"],
        ...this.options.spawnAs,
      });
      child.unref();
      if (launch.fd3 !== undefined) {
        const pipe = child.stdio[3] as Writable;
        pipe.on("error", () => {}); // a child that died at once: its exit is handled below
        pipe.end(launch.fd3);
      }
      this.child = child;
      child.on("error", (err) => this.options.onError(err));
      child.on("exit", (code, signal) => {
        if (this.child === child) this.exited(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
      });
      this.tracker = { health: "unknown", failures: 0 };
      this.change({
        state: "running",
        health: "unknown",
        port,
        pid: child.pid ?? 0,
        startedAt: Date.now(),
        lastHealthError: "",
      });
    } finally {
      closeSync(log);
    }
    this.scheduleProbe();
  }

  /** Takes over a process started by an earlier server (its pid is alive): watch it by polling. */
  adopt(): void {
    this.tracker = { health: this.view.health, failures: 0 };
    this.change({ state: "running" });
    const poll = () => {
      if (this.stopping || this.child) return;
      if (!isAlive(this.view.pid)) this.exited();
      else this.later(500, poll);
    };
    this.later(500, poll);
    this.scheduleProbe();
  }

  /** The process ended (`code`: its exit code; undefined for an adopted one, whose code nobody can read). */
  private exited(code?: number): void {
    if (this.stopping) return;
    killGroup(this.view.pid, "SIGKILL"); // children of the entrypoint must not keep the port
    this.child = undefined;
    const ranLong = this.view.startedAt !== null && Date.now() - this.view.startedAt > 10_000;
    this.crashesInARow = ranLong ? 0 : this.crashesInARow + 1;
    this.change({
      state: "crashed",
      health: "unhealthy",
      lastHealthError: code === undefined ? "process exited" : `process exited with code ${code}`,
      pid: 0,
      ...(code !== undefined && { exitCode: code }),
    });
    this.later((this.options.restartDelayMs ?? restartDelayMs)(this.crashesInARow - 1), () => {
      this.change({ restarts: this.view.restarts + 1, state: "starting" });
      this.start().catch((err) => this.options.onError(err));
    });
  }

  private scheduleProbe(): void {
    const { intervalMs, timeoutMs, path } = this.options.health;
    const probe = async () => {
      if (this.stopping || this.view.state !== "running") return;
      const pid = this.view.pid;
      const error = await probeHealth(this.view.port, path, timeoutMs);
      if (this.stopping || this.view.pid !== pid || this.view.state !== "running") return;
      // Until its first pass, a starting app is probed often (startingProbeDelay) and its failures do not
      // count for the first few seconds (it is still starting): a deploy turns healthy as soon as it listens.
      const starting = this.tracker.health === "unknown";
      if (error !== undefined && starting && Date.now() - (this.view.startedAt ?? 0) < startGraceMs) {
        if (error !== this.view.lastHealthError) this.change({ lastHealthError: error });
        this.later(startingProbeDelay(this.view.startedAt, intervalMs), () => void probe());
        return;
      }
      const next = nextHealth(this.tracker, error === undefined);
      this.tracker = next;
      if (next.health !== this.view.health || (error ?? "") !== this.view.lastHealthError)
        this.change({ health: next.health, lastHealthError: error ?? "" });
      const delay =
        next.health === "unknown" ? startingProbeDelay(this.view.startedAt, intervalMs) : intervalMs;
      this.later(delay, () => void probe());
    };
    this.later(startingProbeDelay(this.view.startedAt, intervalMs), () => void probe());
  }

  /**
   * The entrypoint replaced the app (a config change, surge-first) with one listening on `port`: routes and
   * health probes follow it from now on, and it counts as a restart of the instance. False when nothing changed.
   */
  appReplaced(port: number): boolean {
    if (this.stopping || port <= 0 || port > 65535 || port === this.view.port) return false;
    this.change({ port, restarts: this.view.restarts + 1, startedAt: Date.now() });
    return true;
  }

  /**
   * Lets go of the instance without stopping it (a server that stops or restarts): no more probes, restarts
   * or exit handling; the process keeps serving and the next server re-adopts it.
   */
  detach(): void {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.child?.removeAllListeners("exit");
    this.child = undefined;
  }

  /** Stops the instance: SIGTERM to its process group, SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const pid = this.view.pid;
    if (pid > 0 && isAlive(pid)) {
      killGroup(pid, "SIGTERM");
      const deadline = Date.now() + this.options.graceMs;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (isAlive(pid)) killGroup(pid, "SIGKILL");
    }
    this.child = undefined;
    this.change({ state: "stopped", health: "unknown", pid: 0 });
  }
}
