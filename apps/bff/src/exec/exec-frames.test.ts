import { describe, expect, it } from "vitest";
import { defaultShell, isFrameError, parseControlFrame, parseStartFrame } from "./exec-frames.js";

describe("parseStartFrame", () => {
  it("runs a string command through the shell", () => {
    expect(
      parseStartFrame(JSON.stringify({ deploymentId: "d1", command: "echo hi; exit 3", cols: 90, rows: 30 })),
    ).toEqual({
      deploymentId: "d1",
      instanceId: "",
      args: ["/bin/sh", "-c", "echo hi; exit 3"],
      cols: 90,
      rows: 30,
      tty: true,
    });
  });

  it("passes an argv array through and defaults the size and shell", () => {
    const start = parseStartFrame(JSON.stringify({ instanceId: "i1", command: ["ls", "-la"] }));
    expect(start).toMatchObject({ instanceId: "i1", args: ["ls", "-la"], cols: 80, rows: 24 });
    expect(parseStartFrame(JSON.stringify({ deploymentId: "d1" }))).toMatchObject({ args: defaultShell });
  });

  it("names the field at fault", () => {
    const cases: [unknown, RegExp][] = [
      ["not json", /expected a JSON object/],
      [[1, 2], /expected a JSON object/],
      [{ command: "ls" }, /give deploymentId/],
      [{ deploymentId: "../../etc", command: "ls" }, /deploymentId is not a valid id/],
      [{ deploymentId: "d1", command: 42 }, /command must be/],
      [{ deploymentId: "d1", cols: 0 }, /cols must be an integer/],
      [{ deploymentId: "d1", rows: 5000 }, /rows must be an integer/],
      [{ deploymentId: "d1", tty: "yes" }, /tty must be/],
    ];
    for (const [input, message] of cases) {
      const text = typeof input === "string" ? input : JSON.stringify(input);
      const result = parseStartFrame(text);
      expect(isFrameError(result), text).toBe(true);
      expect(isFrameError(result) && result.error).toMatch(message);
    }
  });
});

describe("parseControlFrame", () => {
  it("reads resize, signal, stdin and close_stdin", () => {
    expect(parseControlFrame('{"type":"resize","cols":120,"rows":40}')).toEqual({
      type: "resize",
      cols: 120,
      rows: 40,
    });
    expect(parseControlFrame('{"type":"signal","signal":"SIGINT"}')).toEqual({
      type: "signal",
      signal: "SIGINT",
    });
    expect(parseControlFrame('{"type":"stdin","data":"ls\\n"}')).toEqual({ type: "stdin", data: "ls\n" });
    expect(parseControlFrame('{"type":"close_stdin"}')).toEqual({ type: "close_stdin" });
  });

  it("refuses garbage with a reason instead of throwing", () => {
    for (const text of [
      "",
      "}{",
      "null",
      '{"type":"resize","cols":-1,"rows":2}',
      '{"type":"signal","signal":"rm -rf"}',
      '{"type":"dance"}',
      '{"error":"x"}',
    ]) {
      const result = parseControlFrame(text);
      expect(isFrameError(result), text).toBe(true);
    }
  });
});
