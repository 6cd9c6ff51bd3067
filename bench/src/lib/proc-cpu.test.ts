import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cpuMsOf, descendantsOf } from "./proc-cpu.js";

describe("proc-cpu", () => {
  it("reads this process's CPU time and finds a child among its descendants", async () => {
    const before = cpuMsOf(process.pid);
    let x = 0;
    for (let i = 0; i < 5e7; i++) x += i;
    expect(x).toBeGreaterThan(0);
    expect(cpuMsOf(process.pid)).toBeGreaterThan(before);
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      expect(descendantsOf(process.pid)).toContain(child.pid);
    } finally {
      child.kill();
    }
    expect(cpuMsOf(2 ** 22 + 1)).toBe(0);
  });
});
