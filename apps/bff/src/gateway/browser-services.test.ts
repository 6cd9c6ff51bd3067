import { describe, expect, it } from "vitest";
import { browserMethods, browserServices } from "./browser-services.js";

describe("browserServices", () => {
  const names = browserServices().map((s) => s.typeName);

  it("includes the catalog and streaming services", () => {
    expect(names).toEqual(
      expect.arrayContaining([
        "berth.v1.AuthService",
        "berth.v1.DeploymentService",
        "berth.v1.EventService",
        "berth.v1.LogService",
        "berth.v1.ProjectService",
      ]),
    );
  });

  it("leaves out machine-only services and the BFF's own", () => {
    expect(names).not.toContain("berth.v1.EntrypointService");
    expect(names).not.toContain("berth.v1.ArtifactService");
    expect(names).not.toContain("berth.v1.DashboardService");
  });

  it("offers only unary and server-streaming methods", () => {
    const methods = browserServices().flatMap((s) => browserMethods(s).map((m) => `${s.name}.${m.name}`));
    expect(methods).toContain("EventService.WatchEvents");
    expect(methods).toContain("DeploymentService.ListDeployments");
    expect(methods).toContain("DeploymentService.ListCommitsBetween");
    expect(methods).not.toContain("ExecService.StartExecStream");
    expect(methods).not.toContain("RunnerService.RunnerJobStream");
  });
});
