import type { InstanceHealth } from "../platform.js";

/** Consecutive failures before a healthy instance counts as unhealthy (one blip is not an outage). */
export const failureThreshold = 2;
/** Failures a starting instance may have before it counts as unhealthy (apps need a moment to listen). */
export const startupFailureThreshold = 5;

export interface HealthTracker {
  health: InstanceHealth;
  failures: number;
}

/** Folds one probe result into an instance's health: healthy on a pass, unhealthy after repeated failures. */
export function nextHealth(prev: HealthTracker, passed: boolean): HealthTracker {
  if (passed) return { health: "healthy", failures: 0 };
  const failures = prev.failures + 1;
  if (prev.health === "healthy" && failures < failureThreshold) return { health: "healthy", failures };
  if (prev.health === "unknown" && failures < startupFailureThreshold) return { health: "unknown", failures };
  return { health: "unhealthy", failures };
}

/** Delay before the n-th restart (0-based) of a crashing instance: 250 ms doubling up to 30 s. */
export function restartDelayMs(restartsInARow: number): number {
  return Math.min(30_000, 250 * 2 ** Math.min(restartsInARow, 10));
}

/** A deployment's status from its instances: healthy only when every instance is. */
export function aggregateHealth(instances: { state: string; health: InstanceHealth }[]): InstanceHealth {
  if (instances.length === 0) return "unknown";
  if (instances.every((i) => i.state === "running" && i.health === "healthy")) return "healthy";
  if (instances.some((i) => i.health === "unhealthy" || i.state === "crashed")) return "unhealthy";
  return "unknown";
}
