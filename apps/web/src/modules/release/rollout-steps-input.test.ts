import { describe, expect, it } from "vitest";
import { parseStepList } from "./rollout-steps-input.js";

describe("parseStepList", () => {
  it("reads rising percentages and names the step at fault", () => {
    expect(parseStepList("10, 50%, 100")).toEqual({ ok: true, steps: [10, 50, 100] });
    expect(parseStepList("10,,100")).toEqual({
      ok: false,
      problem: 'Step 2 ("") is not a whole percentage from 1 to 100.',
    });
    expect(parseStepList("50,20")).toEqual({ ok: false, problem: "Step 2 (20) must be above 50." });
  });
});
