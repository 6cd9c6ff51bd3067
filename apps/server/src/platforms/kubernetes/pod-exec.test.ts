import { describe, expect, it } from "vitest";
import { exitCodeOf } from "./pod-exec.js";
import { parseLogLine } from "./pod-logs.js";

describe("exitCodeOf", () => {
  it("reads the exit code from the exec's final Status", () => {
    expect(exitCodeOf({ status: "Success" })).toBe(0);
    expect(
      exitCodeOf({
        status: "Failure",
        reason: "NonZeroExitCode",
        details: { causes: [{ reason: "ExitCode", message: "42" }] },
      }),
    ).toBe(42);
    expect(exitCodeOf({ status: "Failure", reason: "InternalError", message: "no such container" })).toBe(1);
  });
});

describe("parseLogLine", () => {
  it("takes the kubelet's timestamp off a line", () => {
    expect(parseLogLine("2026-12-07T13:57:32.123456789Z hello world")).toEqual({
      atMs: Date.parse("2026-12-07T13:57:32.123Z"),
      stream: "stdout",
      text: "hello world",
    });
    expect(parseLogLine("no stamp").text).toBe("no stamp");
  });
});
