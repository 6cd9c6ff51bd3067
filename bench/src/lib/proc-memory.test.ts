import { describe, expect, it } from "vitest";
import { parseCgroupBytes, parseMemoryCgroup, parseStatusBytes } from "./proc-memory.js";

describe("proc memory parsing", () => {
  it("reads VmRSS and RssAnon in bytes, and nothing from a zombie's status", () => {
    const status = "Name:\tnode\nVmPeak:\t  999 kB\nVmRSS:\t   45232 kB\nRssAnon:\t 30000 kB\n";
    expect(parseStatusBytes(status)).toBe(45232 * 1024);
    expect(parseStatusBytes(status, "RssAnon")).toBe(30000 * 1024);
    expect(parseStatusBytes("Name:\tnode\nState:\tZ (zombie)\n")).toBeUndefined();
  });

  it("finds the v1 memory controller's path, also when it shares a line with others", () => {
    const v1 = "9:name=systemd:/\n4:memory:/docker/abc123\n0::/\n";
    expect(parseMemoryCgroup(v1)).toEqual({ version: 1, path: "/docker/abc123" });
    expect(parseMemoryCgroup("5:cpu,memory:/a/b\n")).toEqual({ version: 1, path: "/a/b" });
  });

  it("falls back to the v2 unified path, and to nothing when neither is there", () => {
    expect(parseMemoryCgroup("0::/system.slice/docker-abc.scope\n")).toEqual({
      version: 2,
      path: "/system.slice/docker-abc.scope",
    });
    expect(parseMemoryCgroup("3:cpuset:/\n")).toBeUndefined();
  });

  it("parses a byte count and names the file on anything else", () => {
    expect(parseCgroupBytes("3706880\n", "memory.current")).toBe(3706880);
    expect(() => parseCgroupBytes("max\n", "/sys/fs/cgroup/x/memory.current")).toThrow(
      '/sys/fs/cgroup/x/memory.current: expected a byte count, got "max"',
    );
  });
});
