import { type CatalogEntry, DeploymentStatus } from "@berth/proto";

/** How an app is doing, in the catalog's words (and its health filter's). */
export type CatalogHealth = "healthy" | "degraded" | "unhealthy" | "deploying" | "not released";

export const catalogHealthWords: readonly CatalogHealth[] = [
  "healthy",
  "degraded",
  "unhealthy",
  "deploying",
  "not released",
];

/**
 * One word for an app's released deployment: its status, corrected by its instances (a "healthy" deployment
 * with some instances failing their check is degraded; with none running, unhealthy).
 */
export function catalogHealth(entry: CatalogEntry): CatalogHealth {
  switch (entry.releasedStatus) {
    case DeploymentStatus.UNSPECIFIED:
    case DeploymentStatus.DESTROYED:
      return "not released";
    case DeploymentStatus.DEPLOYING:
      return "deploying";
    case DeploymentStatus.HEALTHY:
      if (entry.runningInstances === 0) return "unhealthy";
      return entry.healthyInstances < entry.runningInstances ? "degraded" : "healthy";
    default:
      return "unhealthy";
  }
}
