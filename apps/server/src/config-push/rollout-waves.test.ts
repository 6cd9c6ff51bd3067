import { describe, expect, it } from "vitest";
import { rolloutWaves } from "./rollout-waves.js";

describe("rolloutWaves", () => {
  it("restarts several instances one at a time, in a stable order", () => {
    expect(rolloutWaves(["c", "a", "b"])).toEqual([["a"], ["b"], ["c"]]);
  });
  it("restarts a single instance in one wave", () => {
    expect(rolloutWaves(["a"])).toEqual([["a"]]);
    expect(rolloutWaves([])).toEqual([[]]);
  });
});
