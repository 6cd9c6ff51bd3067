import { describe, expect, it } from "vitest";
import { createLogLineSplitter, parseLogLine } from "./docker-log-lines.js";

describe("parseLogLine", () => {
  it("reads Docker's nanosecond RFC 3339 time and keeps the text after it as written", () => {
    expect(parseLogLine("stdout", "2026-12-07T13:58:50.063415328Z GET / 200  x", 1)).toEqual({
      atMs: Date.UTC(2026, 11, 7, 13, 58, 50, 63),
      stream: "stdout",
      text: "GET / 200  x",
    });
  });

  it("keeps a line without a time whole, at the fallback time", () => {
    expect(parseLogLine("stderr", "no time here", 42)).toEqual({
      atMs: 42,
      stream: "stderr",
      text: "no time here",
    });
  });
});

describe("createLogLineSplitter", () => {
  it("joins a line cut across frames, per stream, and flushes an unfinished one", () => {
    const s = createLogLineSplitter(() => 7);
    const t = "2026-12-07T00:00:00.001000000Z";
    expect(s.push("stdout", Buffer.from(`${t} one\n${t} tw`))).toEqual([
      { atMs: Date.UTC(2026, 11, 7, 0, 0, 0, 1), stream: "stdout", text: "one" },
    ]);
    expect(s.push("stderr", Buffer.from(`${t} err\r\n`))).toMatchObject([{ stream: "stderr", text: "err" }]);
    expect(s.push("stdout", Buffer.from("o\n"))).toMatchObject([{ stream: "stdout", text: "two" }]);
    expect(s.push("stdout", Buffer.from(`${t} tail`))).toEqual([]);
    expect(s.flush()).toMatchObject([{ stream: "stdout", text: "tail" }]);
    expect(s.flush()).toEqual([]);
  });

  it("decodes a UTF-8 character cut between two frames", () => {
    const s = createLogLineSplitter();
    const bytes = Buffer.from("2026-12-07T00:00:00Z h\u00e9llo\n");
    const cut = bytes.indexOf(0xc3) + 1;
    expect(s.push("stdout", bytes.subarray(0, cut))).toEqual([]);
    expect(s.push("stdout", bytes.subarray(cut))).toMatchObject([{ text: "h\u00e9llo" }]);
  });
});
