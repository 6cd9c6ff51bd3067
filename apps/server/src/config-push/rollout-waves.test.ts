import { describe, expect, it } from "vitest";
import { rolloutWaves } from "./rollout-waves.js";

describe("rolloutWaves", () => {
  it("restarts several instances one at a time, in a stable order", () => {
    expect(rolloutWaves(["c", "a", "b"])).toEqual([["a"], ["b"], ["c"]]);
  });
  it("replaces max_parallel instances at a time", () => {
    expect(rolloutWaves(["e", "d", "c", "b", "a"], 2)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(rolloutWaves(["b", "a"], 5)).toEqual([["a", "b"]]);
    expect(rolloutWaves(["b", "a"], 0)).toEqual([["a"], ["b"]]);
  });
  it("restarts a single instance in one wave", () => {
    expect(rolloutWaves(["a"])).toEqual([["a"]]);
    expect(rolloutWaves([])).toEqual([[]]);
  });
});
