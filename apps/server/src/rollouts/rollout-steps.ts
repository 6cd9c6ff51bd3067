import type { StoredReleaseTarget } from "../catalog/to-proto.js";

/** Why a step list cannot drive a rollout (naming the field), or undefined. */
export function stepsProblem(steps: readonly number[]): string | undefined {
  if (steps.length === 0) return "steps: give at least one step, e.g. 10,50,100";
  for (const [i, w] of steps.entries()) {
    if (!Number.isInteger(w) || w < 1 || w > 100)
      return `steps[${i}]: ${w} is not a percentage of traffic from 1 to 100`;
    const prev = steps[i - 1];
    if (prev !== undefined && w <= prev)
      return `steps[${i}]: ${w} does not increase on the step before it (${prev}); steps go up, e.g. 10,50,100`;
  }
  return undefined;
}

/**
 * The release targets of a step: the canary's share, the rest on the baseline. Explicit rather than "a canary of
 * P% beside the current primary", which would flip sides once the canary passes 50 %.
 */
export function stepTargets(baselineId: string, canaryId: string, weight: number): StoredReleaseTarget[] {
  if (weight >= 100) return [{ deploymentId: canaryId, weight: 100 }];
  return [
    { deploymentId: baselineId, weight: 100 - weight },
    { deploymentId: canaryId, weight },
  ];
}

/** How a step's release is explained in the history. */
export function stepReason(steps: readonly number[], step: number, why: string): string {
  const head = `rollout step ${step + 1} of ${steps.length} (${steps[step]}%)`;
  return why ? `${head}: ${why}` : head;
}
