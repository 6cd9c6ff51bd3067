import { describe, expect, it } from "vitest";
import { stepReason, stepsProblem, stepTargets } from "./rollout-steps.js";

describe("rollout steps", () => {
  it.each([
    [[10, 50, 100], undefined],
    [[25], undefined],
    [[], "steps: give at least one step, e.g. 10,50,100"],
    [[10, 10], "steps[1]: 10 does not increase on the step before it (10); steps go up, e.g. 10,50,100"],
    [[50, 20], "steps[1]: 20 does not increase on the step before it (50); steps go up, e.g. 10,50,100"],
    [[0, 100], "steps[0]: 0 is not a percentage of traffic from 1 to 100"],
    [[10, 101], "steps[1]: 101 is not a percentage of traffic from 1 to 100"],
    [[1.5], "steps[0]: 1.5 is not a percentage of traffic from 1 to 100"],
  ])("%j → %s", (steps, problem) => {
    expect(stepsProblem(steps)).toBe(problem);
  });

  it("splits explicitly, so a canary past 50 % stays the canary", () => {
    expect(stepTargets("base", "new", 60)).toEqual([
      { deploymentId: "base", weight: 40 },
      { deploymentId: "new", weight: 60 },
    ]);
    expect(stepTargets("base", "new", 100)).toEqual([{ deploymentId: "new", weight: 100 }]);
    expect(stepReason([10, 50, 100], 1, "")).toBe("rollout step 2 of 3 (50%)");
  });
});
