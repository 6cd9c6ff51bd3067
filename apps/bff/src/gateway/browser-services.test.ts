import { methodPolicies } from "@berth/proto";
import { describe, expect, it } from "vitest";
import { browserMethods } from "./browser-services.js";

describe("browserMethods", () => {
  const allowed = browserMethods().map(({ method, role }) => [
    `${method.parent.typeName}/${method.name}`,
    role,
  ]);

  it("is exactly the methods the policy table flags for the browser, with their roles", () => {
    const flagged = Object.entries(methodPolicies)
      .filter(([, p]) => p.browser)
      .map(([name, p]) => [name, p.role]);
    expect(allowed.sort()).toEqual(flagged.sort());
  });

  it("leaves token minting, machine-only and streaming-upload methods closed", () => {
    const names = allowed.map(([name]) => name);
    for (const closed of [
      "berth.v1.AuthService/CreateToken",
      "berth.v1.AuthService/CreateLoginCode",
      "berth.v1.AuthService/CreateSessionToken",
      "berth.v1.ProjectService/UpsertProject",
      "berth.v1.JobService/QueueJob",
      "berth.v1.ExecService/StartExecStream",
      "berth.v1.EntrypointService/UploadLogs",
      "berth.v1.ArtifactService/DownloadArtifact",
    ]) {
      expect(names).not.toContain(closed);
    }
    expect(names).toContain("berth.v1.EventService/WatchEvents");
    expect(allowed).toContainEqual(["berth.v1.ReleaseService/Release", "deployer"]);
    // The users and sessions page: admins only.
    expect(allowed).toContainEqual(["berth.v1.AuthService/ListTokens", "admin"]);
    expect(allowed).toContainEqual(["berth.v1.AuthService/RevokeToken", "admin"]);
  });
});
