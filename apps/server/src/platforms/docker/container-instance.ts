import type { HealthCheckSpec, InstanceView } from "../platform.js";
import { probeHealth } from "../process/health-probe.js";
import { type HealthTracker, nextHealth } from "../process/health-state.js";

/** What inspecting a container says of its state (Docker's `State`). */
export interface ContainerState {
  Running: boolean;
  Pid: number;
  ExitCode: number;
}

/**
 * One container of a deployment as Berth sees it: its view (state, health, port) and the health probes
 * against 127.0.0.1:PORT (containers share the host's network). Docker itself restarts a crashed
 * container (restart policy); state changes come from its events (see docker-engines.ts).
 */
export class ContainerInstance {
  private tracker: HealthTracker = { health: "unknown", failures: 0 };
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly view: InstanceView,
    public containerId: string,
    private readonly health: HealthCheckSpec,
    private readonly onChange: (view: InstanceView) => void,
  ) {}

  change(patch: Partial<InstanceView>): void {
    Object.assign(this.view, patch);
    if (patch.health !== undefined) this.tracker = { health: patch.health, failures: 0 };
    this.onChange({ ...this.view });
  }

  /** The container's state as inspected when it was started or adopted. */
  inspected(state: ContainerState): void {
    this.change({
      state: state.Running ? "running" : "crashed",
      pid: state.Pid,
      startedAt: this.view.startedAt ?? Date.now(),
      ...(!state.Running && {
        lastHealthError: `container exited with code ${state.ExitCode}`,
        exitCode: state.ExitCode,
      }),
    });
  }

  /** The engine reported the container's exit (`die`, with the exit code as it gives it). */
  exited(exitCode: string): void {
    this.change({
      state: "crashed",
      health: "unhealthy",
      pid: 0,
      lastHealthError: `container exited with code ${exitCode || "?"}`,
      ...(/^\d+$/.test(exitCode) && { exitCode: Number(exitCode) }),
    });
  }

  /** Docker started the container again (its restart policy): a restart of the instance if it had crashed. */
  restarted(state: ContainerState, afterCrash: boolean): void {
    this.change({
      state: state.Running ? "running" : "crashed",
      health: "unknown",
      pid: state.Pid,
      startedAt: Date.now(),
      restarts: this.view.restarts + (afterCrash ? 1 : 0),
    });
  }

  /** Probes until closed: every 100 ms until the first pass (a deploy turns healthy at once), then per interval. */
  probe(): void {
    const { intervalMs, timeoutMs, path } = this.health;
    const run = async () => {
      if (this.closed) return;
      if (this.view.state !== "running") return this.later(Math.min(100, intervalMs), run);
      const error = await probeHealth(this.view.port, path, timeoutMs);
      if (this.closed) return;
      const next = nextHealth(this.tracker, error === undefined);
      this.tracker = next;
      if (next.health !== this.view.health || (error ?? "") !== this.view.lastHealthError)
        this.change({ health: next.health, lastHealthError: error ?? "" });
      this.later(next.health === "unknown" ? Math.min(100, intervalMs) : intervalMs, run);
    };
    this.later(Math.min(50, intervalMs), run);
  }

  /** The entrypoint replaced the app on `port` (a config change): probes and traffic move there. */
  appReplaced(port: number): boolean {
    if (port === this.view.port || port <= 0) return false;
    this.change({ port, restarts: this.view.restarts + 1 });
    return true;
  }

  /** Stops the probes; the container itself is left alone. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void fn(), ms);
    this.timer.unref();
  }
}
