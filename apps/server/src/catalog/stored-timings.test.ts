import { describe, expect, it } from "vitest";
import { parseTimings } from "./stored-timings.js";

describe("parseTimings", () => {
  it("yields none for a malformed column", () => {
    expect(parseTimings("{nope")).toEqual([]);
    expect(parseTimings('{"a":1}')).toEqual([]);
  });
});
