import { describe, expect, it } from "vitest";
import type { InstanceView } from "../platforms/platform.js";
import { crashLooping, exitsOf } from "./crash-loop.js";

const view = (id: string, patch: Partial<InstanceView>): InstanceView => ({
  id,
  deploymentId: "d",
  idx: 0,
  state: "running",
  health: "unknown",
  port: 1,
  pid: 1,
  restarts: 0,
  startedAt: 1,
  lastHealthError: "",
  cwd: "",
  logFile: "",
  ...patch,
});

describe("crash loop detection", () => {
  it("counts a crashed instance's pending exit on top of its restarts", () => {
    expect(exitsOf(view("a", { restarts: 2, state: "running" }))).toBe(2);
    expect(exitsOf(view("a", { restarts: 2, state: "crashed" }))).toBe(3);
    expect(exitsOf(view("a", { restarts: 0, state: "starting" }))).toBe(0);
  });

  it("names the first instance that exited max times and was never healthy", () => {
    const views = [
      view("a", { restarts: 1, state: "crashed" }),
      view("b", { restarts: 2, state: "crashed", exitCode: 3 }),
    ];
    expect(crashLooping(views, new Set())?.id).toBe("b");
    expect(crashLooping(views, new Set(), 2)?.id).toBe("a");
  });

  it("leaves an instance alone once it was healthy, and one below the bound", () => {
    const views = [
      view("a", { restarts: 5, state: "crashed" }),
      view("b", { restarts: 1, state: "crashed" }),
    ];
    expect(crashLooping(views, new Set(["a"]))).toBeUndefined();
  });
});
