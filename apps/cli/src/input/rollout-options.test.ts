import { describe, expect, it } from "vitest";
import { parseStepInterval, parseSteps } from "./rollout-options.js";

describe("rollout options", () => {
  it("reads steps that go up, with or without %", () => {
    expect(parseSteps("10,50,100")).toEqual([10, 50, 100]);
    expect(parseSteps("5%, 25%")).toEqual([5, 25]);
    expect(() => parseSteps("50,20")).toThrow("step 2 (20) does not go up from 50; e.g. 10,50,100");
    expect(() => parseSteps("10,abc")).toThrow('step 2 ("abc") is not a whole percentage 1-100');
    expect(() => parseSteps("0")).toThrow('step 1 ("0") is not a whole percentage 1-100');
  });

  it("reads an interval or manual", () => {
    expect(parseStepInterval("manual")).toBe(0);
    expect(parseStepInterval("5m")).toBe(300);
    expect(parseStepInterval("1m30s")).toBe(90);
    expect(() => parseStepInterval("500ms")).toThrow('"500ms" is not a duration of 1s or more');
    expect(() => parseStepInterval("soon")).toThrow('"soon" is not a duration');
  });
});
