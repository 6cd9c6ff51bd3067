import type { HealthCheckSpec, InstanceView } from "../platform.js";
import { probeHealth } from "../process/health-probe.js";
import { type HealthTracker, nextHealth } from "../process/health-state.js";
import {
  type AllocDetail,
  type AllocStub,
  allocAddress,
  allocExitCode,
  allocHealth,
  allocRestarts,
  allocState,
} from "./alloc-view.js";

/**
 * One slot of a Nomad deployment as Berth sees it: the allocation standing for it now (state, restarts, address
 * from Nomad) and its health: Nomad's verdict on the allocation (DeploymentStatus.Healthy, from the job's service
 * check) when it gives one, and Berth's own probes throughout, since Nomad stops judging an allocation once its
 * deployment is done.
 */
export class NomadInstance {
  private tracker: HealthTracker = { health: "unknown", failures: 0 };
  /** Nomad's last verdict on the current allocation, applied when it changes. */
  private nomadHealth: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The port an entrypoint moved the app to (a config change) in the current allocation. */
  private movedPort: { allocId: string; port: number } | undefined;

  constructor(
    readonly view: InstanceView,
    private readonly health: HealthCheckSpec,
    private readonly onChange: (view: InstanceView) => void,
  ) {}

  change(patch: Partial<InstanceView>): void {
    const changed = Object.entries(patch).some(([k, v]) => this.view[k as keyof InstanceView] !== v);
    if (!changed) return;
    Object.assign(this.view, patch);
    this.onChange({ ...this.view });
  }

  /** Applies what Nomad says of the slot's current allocation (`detail`: where it listens, once placed). */
  observe(alloc: AllocStub | undefined, detail: AllocDetail | undefined): void {
    if (!alloc) {
      this.change({ state: "starting", nativeId: undefined });
      return;
    }
    const state = allocState(alloc);
    const address = detail ? allocAddress(detail) : undefined;
    const moved = this.movedPort?.allocId === alloc.ID ? this.movedPort.port : undefined;
    const nomad = allocHealth(alloc);
    const verdict = nomad && `${alloc.ID}:${nomad}`;
    const judged = nomad !== undefined && verdict !== this.nomadHealth;
    this.nomadHealth = verdict;
    if (alloc.ID !== this.view.nativeId) this.tracker = { health: "unknown", failures: 0 };
    if (judged && state === "running") this.tracker = { health: nomad, failures: 0 };
    const exitCode = allocExitCode(alloc);
    const exited = exitCode === undefined ? "" : ` (exit code ${exitCode})`;
    this.change({
      state,
      nativeId: alloc.ID,
      ...(exitCode !== undefined && { exitCode }),
      restarts: Math.max(this.view.restarts, allocRestarts(alloc)),
      ...(address && { host: address.host, port: moved ?? address.port }),
      ...(state === "running" && this.view.startedAt === null && { startedAt: Date.now() }),
      ...(state === "crashed" && {
        health: "unhealthy",
        lastHealthError: `allocation ${alloc.ClientStatus}${exited}`,
      }),
      ...(judged && state === "running" && { health: nomad }),
    });
  }

  /** Probes until closed: often until the first pass, then per interval. */
  probe(): void {
    const { intervalMs, timeoutMs, path } = this.health;
    const run = async () => {
      if (this.closed) return;
      const { state, port, host, nativeId } = this.view;
      if (state !== "running" || port <= 0) return this.later(Math.min(100, intervalMs), run);
      const error = await probeHealth(port, path, timeoutMs, host);
      if (this.closed) return;
      // The slot moved to another allocation (or port) meanwhile: this result is about the old one.
      if (nativeId !== this.view.nativeId || port !== this.view.port) return this.later(0, run);
      this.tracker = nextHealth(this.tracker, error === undefined);
      this.change({ health: this.tracker.health, lastHealthError: error ?? "" });
      this.later(this.tracker.health === "unknown" ? Math.min(100, intervalMs) : intervalMs, run);
    };
    this.later(0, run);
  }

  /** The entrypoint replaced the app on `port` (a config change): probes and traffic move there. */
  appReplaced(port: number): boolean {
    if (port === this.view.port || port <= 0 || port > 65535 || !this.view.nativeId) return false;
    this.movedPort = { allocId: this.view.nativeId, port };
    this.change({ port, restarts: this.view.restarts + 1 });
    return true;
  }

  /** Stops the probes; the allocation itself is Nomad's. */
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
