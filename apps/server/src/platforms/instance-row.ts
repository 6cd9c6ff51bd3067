import type { InstanceTable } from "../store/schema.js";
import type { InstanceView } from "./platform.js";

/** An instance's row in the instances table (what the next server reads to re-adopt it). */
export function instanceRow(v: InstanceView): InstanceTable {
  return {
    id: v.id,
    deployment_id: v.deploymentId,
    idx: v.idx,
    state: v.state,
    health: v.health,
    port: v.port,
    pid: v.pid,
    restarts: v.restarts,
    started_at: v.startedAt,
    config_revision: 0,
    last_health_error: v.lastHealthError,
    last_health_at: Date.now(),
    native_id: v.nativeId ?? "",
  };
}
