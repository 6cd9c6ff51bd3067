import type { StoredTiming } from "../catalog/stored-timings.js";

/**
 * A deployment's phases as a person reads them: its build's steps (copy, cache, command, pack) folded into
 * "build", the upload as "push", then the deployment's own phases (deploy, health; release is added when
 * it is first released).
 */
export function deploymentPhases(buildSteps: StoredTiming[], own: StoredTiming[]): StoredTiming[] {
  const fold = (phase: string, steps: StoredTiming[]): StoredTiming[] => {
    if (steps.length === 0) return [];
    const startedAt = Math.min(...steps.map((s) => s.startedAt));
    const durationMs = steps.reduce((sum, s) => sum + s.durationMs, 0);
    return [{ phase, startedAt, durationMs }];
  };
  return [
    ...fold(
      "build",
      buildSteps.filter((s) => s.phase !== "push"),
    ),
    ...fold(
      "push",
      buildSteps.filter((s) => s.phase === "push"),
    ),
    ...own,
  ];
}

/** The timings with a release phase appended, unless the deployment was released before. */
export function withReleasePhase(timings: StoredTiming[], startedAt: number, now: number): StoredTiming[] {
  if (timings.some((t) => t.phase === "release")) return timings;
  return [...timings, { phase: "release", startedAt, durationMs: Math.max(0, now - startedAt) }];
}
