import { describe, expect, it } from "vitest";
import { createOverlapSkipper } from "./overlap-skipper.js";

const run = (previous: string[], follow: string[]) => {
  const skip = createOverlapSkipper(previous);
  return follow.filter((k) => !skip(k));
};

describe("createOverlapSkipper", () => {
  it("drops the follow's tail that repeats the backfill and keeps what came since", () => {
    expect(run(["a", "b", "c"], ["b", "c", "d", "e"])).toEqual(["d", "e"]);
    expect(run(["a", "b", "c"], ["a", "b", "c"])).toEqual([]);
  });

  it("keeps everything when the follow starts past the backfill (more new lines than the tail)", () => {
    expect(run(["a", "b"], ["x", "y"])).toEqual(["x", "y"]);
  });

  it("stops skipping at the first line that does not continue the backfill, even if it repeats later", () => {
    expect(run(["a", "b", "c"], ["b", "x", "c", "b"])).toEqual(["x", "c", "b"]);
  });

  it("skips nothing after an empty backfill", () => {
    expect(run([], ["a"])).toEqual(["a"]);
  });
});
