import { describe, expect, it } from "vitest";
import { crashSeen, type InstanceSeen } from "./crash-seen.js";

/** Feeds observations in order and counts the crashes they reveal. */
function crashes(observations: [state: string, restarts: number][]): number {
  let seen: InstanceSeen | undefined;
  let n = 0;
  for (const [state, restarts] of observations) {
    const r = crashSeen(seen, { state, restarts });
    seen = r.seen;
    if (r.crashed) n++;
  }
  return n;
}

describe("crashSeen", () => {
  it("counts a crash seen as a state and then its restart once", () => {
    expect(
      crashes([
        ["running", 0],
        ["crashed", 0],
        ["starting", 1],
        ["running", 1],
      ]),
    ).toBe(1);
  });
  it("counts a crash whose restart came before anyone looked", () => {
    expect(
      crashes([
        ["running", 0],
        ["running", 1],
        ["running", 1],
      ]),
    ).toBe(1);
  });
  it("counts each of several crashes, and nothing for an instance first seen already restarted", () => {
    expect(
      crashes([
        ["running", 3],
        ["crashed", 3],
        ["running", 4],
        ["running", 5],
        ["crashed", 5],
      ]),
    ).toBe(3);
    expect(crashes([["stopped", 0]])).toBe(0);
  });
});
