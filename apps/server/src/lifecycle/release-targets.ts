import type { StoredReleaseTarget } from "../catalog/to-proto.js";

/**
 * The targets of a new release. A full release (0 or 100) sends everything to the deployment; a canary
 * of P% keeps 100-P% on the deployment that currently takes the most traffic.
 */
export function releaseTargets(
  current: StoredReleaseTarget[],
  deploymentId: string,
  canaryPercent: number,
): StoredReleaseTarget[] {
  const primary = [...current].sort((a, b) => b.weight - a.weight)[0];
  if (canaryPercent <= 0 || canaryPercent >= 100 || !primary || primary.deploymentId === deploymentId)
    return [{ deploymentId, weight: 100 }];
  return [
    { deploymentId: primary.deploymentId, weight: 100 - canaryPercent },
    { deploymentId, weight: canaryPercent },
  ];
}
