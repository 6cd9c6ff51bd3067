import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { releaseTargets } from "./release-targets.js";

describe("releaseTargets", () => {
  it("a full release sends everything to the new deployment", () => {
    expect(releaseTargets([{ deploymentId: "a", weight: 100 }], "b", 0)).toEqual([
      { deploymentId: "b", weight: 100 },
    ]);
  });
  it("a canary keeps the rest on the current primary", () => {
    expect(releaseTargets([{ deploymentId: "a", weight: 100 }], "b", 10)).toEqual([
      { deploymentId: "a", weight: 90 },
      { deploymentId: "b", weight: 10 },
    ]);
  });
  it("weights always sum to 100", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.boolean(), (p, hasCurrent) => {
        const t = releaseTargets(hasCurrent ? [{ deploymentId: "a", weight: 100 }] : [], "b", p);
        return t.reduce((s, x) => s + x.weight, 0) === 100 && t.some((x) => x.deploymentId === "b");
      }),
    );
  });
});
