import { BuildStatus, DeploymentStatus, HealthState, InstanceState } from "@berth/proto";

// The store keeps statuses as readable strings; the API uses enums. One table per status keeps both directions in sync.
const buildStatuses: Record<string, BuildStatus> = {
  running: BuildStatus.RUNNING,
  success: BuildStatus.SUCCESS,
  failed: BuildStatus.FAILED,
};

const deploymentStatuses: Record<string, DeploymentStatus> = {
  deploying: DeploymentStatus.DEPLOYING,
  healthy: DeploymentStatus.HEALTHY,
  unhealthy: DeploymentStatus.UNHEALTHY,
  failed: DeploymentStatus.FAILED,
  destroyed: DeploymentStatus.DESTROYED,
};

const instanceStates: Record<string, InstanceState> = {
  starting: InstanceState.STARTING,
  running: InstanceState.RUNNING,
  crashed: InstanceState.CRASHED,
  stopped: InstanceState.STOPPED,
};

const healthStates: Record<string, HealthState> = {
  unknown: HealthState.UNKNOWN,
  healthy: HealthState.HEALTHY,
  unhealthy: HealthState.UNHEALTHY,
};

function invert<E extends number>(table: Record<string, E>): Map<E, string> {
  return new Map(Object.entries(table).map(([k, v]) => [v, k]));
}

const buildStatusNames = invert(buildStatuses);
const deploymentStatusNames = invert(deploymentStatuses);

/** Store string → BuildStatus (UNSPECIFIED for anything unknown). */
export function buildStatusFromRow(status: string): BuildStatus {
  return buildStatuses[status] ?? BuildStatus.UNSPECIFIED;
}

/** BuildStatus → store string ("" for UNSPECIFIED). */
export function buildStatusToRow(status: BuildStatus): string {
  return buildStatusNames.get(status) ?? "";
}

/** Store string → DeploymentStatus. */
export function deploymentStatusFromRow(status: string): DeploymentStatus {
  return deploymentStatuses[status] ?? DeploymentStatus.UNSPECIFIED;
}

/** DeploymentStatus → store string ("" for UNSPECIFIED). */
export function deploymentStatusToRow(status: DeploymentStatus): string {
  return deploymentStatusNames.get(status) ?? "";
}

/** Store string → InstanceState. */
export function instanceStateFromRow(state: string): InstanceState {
  return instanceStates[state] ?? InstanceState.UNSPECIFIED;
}

/** Store string → HealthState. */
export function healthStateFromRow(health: string): HealthState {
  return healthStates[health] ?? HealthState.UNSPECIFIED;
}

/** The store names of every deployment status, e.g. for CLI help and filters. */
export const deploymentStatusRowNames = Object.keys(deploymentStatuses);
