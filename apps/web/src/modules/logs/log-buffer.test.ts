import { describe, expect, it } from "vitest";
import { filterLogLines, formatLogTime, type LogEntry, logsAsText, mergeLogLines } from "./log-buffer.js";

const entry = (
  instanceId: string,
  seq: number,
  ts: number,
  text = `${instanceId}-${seq}`,
  stderr = false,
): LogEntry => ({
  key: `${instanceId}:${seq}`,
  instanceId,
  seq: BigInt(seq),
  ts,
  text,
  stderr,
});

const noFilter = { query: "", regex: false, stream: "all" as const, hiddenInstances: new Set<string>() };

describe("log merge", () => {
  it("merges instances by time and keeps arrival order for ties", () => {
    const buf: LogEntry[] = [];
    const seen = new Set<string>();
    mergeLogLines(buf, [entry("a", 1, 10), entry("a", 2, 30)], seen, 100);
    mergeLogLines(buf, [entry("b", 1, 20), entry("b", 2, 30), entry("b", 3, 5)], seen, 100);
    expect(buf.map((l) => l.key)).toEqual(["b:3", "a:1", "b:1", "a:2", "b:2"]);
  });

  it("skips lines it already holds (a reconnect that overlaps)", () => {
    const buf: LogEntry[] = [];
    const seen = new Set<string>();
    mergeLogLines(buf, [entry("a", 1, 10)], seen, 100);
    mergeLogLines(buf, [entry("a", 1, 10), entry("a", 2, 11)], seen, 100);
    expect(buf).toHaveLength(2);
  });

  it("caps the buffer, dropping the oldest", () => {
    const buf: LogEntry[] = [];
    const seen = new Set<string>();
    const dropped = mergeLogLines(
      buf,
      Array.from({ length: 10 }, (_, i) => entry("a", i, i)),
      seen,
      4,
    );
    expect(dropped).toBe(6);
    expect(buf.map((l) => l.seq)).toEqual([6n, 7n, 8n, 9n]);
    expect(seen.has("a:0")).toBe(false);
  });
});

describe("log filter", () => {
  const lines = [
    entry("a", 1, 1, "GET /cart 200"),
    entry("b", 1, 2, "\u001b[31mERROR\u001b[0m db timeout", true),
    entry("a", 2, 3, "GET /login 500"),
  ];

  it("filters by literal text, case-insensitively, ignoring ANSI codes", () => {
    expect(filterLogLines(lines, { ...noFilter, query: "error db" }).lines.map((l) => l.key)).toEqual([
      "b:1",
    ]);
    expect(filterLogLines(lines, { ...noFilter, query: "[31m" }).lines).toHaveLength(0);
  });

  it("treats regex characters literally unless regex is on", () => {
    expect(filterLogLines(lines, { ...noFilter, query: "5.0" }).lines).toHaveLength(0);
    expect(filterLogLines(lines, { ...noFilter, query: "5.0", regex: true }).lines.map((l) => l.key)).toEqual(
      ["a:2"],
    );
  });

  it("reports a bad regex and leaves the lines unfiltered", () => {
    const res = filterLogLines(lines, { ...noFilter, query: "(", regex: true });
    expect(res.error).toBeTruthy();
    expect(res.lines).toHaveLength(3);
  });

  it("filters by stream and instance", () => {
    expect(filterLogLines(lines, { ...noFilter, stream: "stderr" }).lines.map((l) => l.key)).toEqual(["b:1"]);
    expect(
      filterLogLines(lines, { ...noFilter, hiddenInstances: new Set(["a"]) }).lines.map((l) => l.key),
    ).toEqual(["b:1"]);
  });

  it("formats times in UTC and exports text without colour codes", () => {
    expect(formatLogTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6), true)).toBe("03:04:05.006Z");
    expect(logsAsText([lines[1]!])).toBe("1970-01-01T00:00:00.002Z b stderr ERROR db timeout");
  });
});
