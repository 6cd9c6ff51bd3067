import { describe, expect, it } from "vitest";
import { apiReference, filterApi } from "./api-reference.js";
import { cliCommands } from "./cli-commands.js";

describe("apiReference", () => {
  const all = apiReference();
  const method = (name: string) => all.flatMap((s) => s.methods).find((m) => m.fullName === name);

  it("lists every berth.v1 service with the comments of the .proto files, the policy and the CLI command", () => {
    expect(all.map((s) => s.name)).toContain("berth.v1.RolloutService");
    expect(method("berth.v1.RolloutService/AbortRollout")).toMatchObject({
      kind: "unary",
      input: "berth.v1.AbortRolloutRequest",
      comment: "Returns all traffic to the baseline and ends the rollout.",
      access: "deployer role or higher",
      browser: true,
      cli: "berth rollout abort",
    });
    expect(method("berth.v1.RouterService/WatchRoutes")).toMatchObject({
      kind: "server stream",
      access: "router tokens",
      browser: false,
    });
  });

  it("names only methods that exist in its CLI table", () => {
    const names = new Set(all.flatMap((s) => s.methods.map((m) => m.fullName)));
    expect(Object.keys(cliCommands).filter((n) => !names.has(n))).toEqual([]);
  });

  it("filters by method, comment or command", () => {
    const hits = filterApi(all, "berth rollout abort");
    expect(hits.flatMap((s) => s.methods.map((m) => m.fullName))).toEqual([
      "berth.v1.RolloutService/AbortRollout",
    ]);
    expect(filterApi(all, "no such thing at all")).toEqual([]);
  });
});
