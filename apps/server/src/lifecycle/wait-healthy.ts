import type { InstanceView, Platform } from "../platforms/platform.js";
import { aggregateHealth } from "../platforms/process/health-state.js";
import { crashLooping } from "./crash-loop.js";

/** How a new deployment's wait for health ended. */
export type HealthWait =
  | { outcome: "healthy" }
  | { outcome: "timeout" }
  | { outcome: "cancelled" }
  /** An instance kept exiting before it was ever healthy: waiting longer would not help. */
  | { outcome: "crash-loop"; instance: InstanceView };

/**
 * Waits until every instance of the deployment is healthy, one of them is crash-looping (crash-loop.ts), the
 * deadline passes or `signal` aborts. Every change the platform reports is looked at, so no exit is missed.
 */
export function waitHealthy(
  platform: Platform,
  deploymentId: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<HealthWait> {
  const everHealthy = new Set<string>();
  return new Promise((resolve) => {
    const check = () => {
      const views = platform.instances(deploymentId);
      for (const v of views) if (v.health === "healthy") everHealthy.add(v.id);
      if (aggregateHealth(views) === "healthy") return finish({ outcome: "healthy" });
      const looping = crashLooping(views, everHealthy);
      if (looping) finish({ outcome: "crash-loop", instance: looping });
    };
    let done = false;
    const finish = (result: HealthWait) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off();
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = () => finish({ outcome: "cancelled" });
    const timer = setTimeout(() => finish({ outcome: "timeout" }), timeoutMs);
    const off = platform.onChange((id) => id === deploymentId && check());
    signal.addEventListener("abort", onAbort);
    if (signal.aborted) onAbort();
    else check();
  });
}
