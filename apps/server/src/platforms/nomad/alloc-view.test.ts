import { describe, expect, it } from "vitest";
import {
  type AllocStub,
  allocAddress,
  allocExitCode,
  allocHealth,
  allocIndex,
  allocState,
  currentAllocs,
  type TaskEvent,
} from "./alloc-view.js";

const alloc = (over: Partial<AllocStub>): AllocStub => ({
  ID: "a",
  Name: "j.app[0]",
  ClientStatus: "running",
  DesiredStatus: "run",
  CreateIndex: 1,
  ModifyIndex: 1,
  ...over,
});

describe("alloc view", () => {
  it("reads the exit code of the newest Terminated task event, from its details or its ExitCode", () => {
    expect(allocExitCode(alloc({}))).toBeUndefined();
    const events: TaskEvent[] = [
      { Type: "Started", Time: 1 },
      { Type: "Terminated", Time: 2, ExitCode: 1, Details: { exit_code: "1", signal: "0" } },
      { Type: "Restarting", Time: 3 },
      { Type: "Terminated", Time: 4, ExitCode: 0, Details: { exit_code: "3" } },
    ];
    expect(allocExitCode(alloc({ TaskStates: { app: { Events: events } } }))).toBe(3);
    const killed = [{ Type: "Terminated", Time: 5, ExitCode: 137, Details: null }];
    expect(allocExitCode(alloc({ TaskStates: { app: { Events: killed } } }))).toBe(137);
    expect(
      allocExitCode(alloc({ TaskStates: { app: { Events: [{ Type: "Started", Time: 1 }] } } })),
    ).toBeUndefined();
  });

  it("picks per slot the newest allocation Nomad wants running, else the newest of any", () => {
    const old = alloc({ ID: "old", CreateIndex: 1, ClientStatus: "failed" });
    const replacement = alloc({ ID: "new", CreateIndex: 5, ClientStatus: "pending" });
    const stopped = alloc({ ID: "stop", CreateIndex: 9, DesiredStatus: "stop", ClientStatus: "complete" });
    const failed1 = alloc({ ID: "f1", Name: "j.app[1]", ClientStatus: "failed", CreateIndex: 2 });
    const failed2 = alloc({ ID: "f2", Name: "j.app[1]", ClientStatus: "failed", CreateIndex: 3 });
    expect(currentAllocs([old, replacement, stopped, failed1, failed2], 3).map((a) => a?.ID)).toEqual([
      "new",
      "f2",
      undefined,
    ]);
  });

  it("maps client status, deployment health and slot names", () => {
    expect(
      ["pending", "running", "complete", "failed", "lost"].map((s) => allocState(alloc({ ClientStatus: s }))),
    ).toEqual(["starting", "running", "stopped", "crashed", "crashed"]);
    expect(allocHealth(alloc({ DeploymentStatus: { Healthy: true } }))).toBe("healthy");
    expect(allocHealth(alloc({ DeploymentStatus: { Healthy: false } }))).toBe("unhealthy");
    expect(allocHealth(alloc({ DeploymentStatus: { Healthy: null } }))).toBeUndefined();
    expect(allocHealth(alloc({ DeploymentStatus: null }))).toBeUndefined();
    expect(allocIndex("shop-web-v1.app[12]")).toBe(12);
    expect(allocIndex("odd")).toBe(-1);
  });

  it("finds the http port in the port mappings, or in an older agent's network block", () => {
    expect(
      allocAddress({
        ID: "a",
        AllocatedResources: { Shared: { Ports: [{ Label: "http", Value: 2100, HostIP: "10.0.0.5" }] } },
      }),
    ).toEqual({ host: "10.0.0.5", port: 2100 });
    expect(
      allocAddress({
        ID: "a",
        AllocatedResources: {
          Shared: { Networks: [{ IP: "10.0.0.6", DynamicPorts: [{ Label: "http", Value: 2200 }] }] },
        },
      }),
    ).toEqual({ host: "10.0.0.6", port: 2200 });
    expect(allocAddress({ ID: "a", AllocatedResources: null })).toBeUndefined();
  });
});
