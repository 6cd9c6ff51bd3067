import type { ServerOptions } from "../server-options.js";
import type { ReplicaTiming } from "./replica-registry.js";

/** A positive whole number from the environment, else `fallback`; a bad value is named, not ignored. */
function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return n;
}

/**
 * How often replicas beat and how many beats one may miss before it is dead: options (tests), else
 * BERTH_REPLICA_HEARTBEAT_MS / BERTH_REPLICA_MISSED_BEATS, else 2 s and 3 beats (dead after 6 s).
 */
export function replicaTimingOf(options: Pick<ServerOptions, "replicaTiming">): ReplicaTiming {
  return {
    heartbeatMs: options.replicaTiming?.heartbeatMs ?? envInt("BERTH_REPLICA_HEARTBEAT_MS", 2_000),
    missedBeats: options.replicaTiming?.missedBeats ?? envInt("BERTH_REPLICA_MISSED_BEATS", 3),
  };
}
