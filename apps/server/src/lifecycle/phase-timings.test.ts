import { describe, expect, it } from "vitest";
import { deploymentPhases, withReleasePhase } from "./phase-timings.js";

describe("deploymentPhases", () => {
  it("folds build steps into build and push ahead of the deployment's own phases", () => {
    const phases = deploymentPhases(
      [
        { phase: "copy", startedAt: 100, durationMs: 10 },
        { phase: "command", startedAt: 110, durationMs: 200 },
        { phase: "pack", startedAt: 310, durationMs: 30 },
        { phase: "push", startedAt: 340, durationMs: 5 },
      ],
      [
        { phase: "deploy", startedAt: 400, durationMs: 40 },
        { phase: "health", startedAt: 440, durationMs: 600 },
      ],
    );
    expect(phases.map((p) => [p.phase, p.startedAt, p.durationMs])).toEqual([
      ["build", 100, 240],
      ["push", 340, 5],
      ["deploy", 400, 40],
      ["health", 440, 600],
    ]);
  });

  it("leaves out phases a build did not record", () => {
    expect(
      deploymentPhases([], [{ phase: "deploy", startedAt: 1, durationMs: 2 }]).map((p) => p.phase),
    ).toEqual(["deploy"]);
  });
});

describe("withReleasePhase", () => {
  it("adds the first release only", () => {
    const once = withReleasePhase([{ phase: "deploy", startedAt: 0, durationMs: 1 }], 10, 13);
    expect(once.at(-1)).toEqual({ phase: "release", startedAt: 10, durationMs: 3 });
    expect(withReleasePhase(once, 50, 90)).toBe(once);
  });
});
