import { DeploymentStatus } from "@berth/proto";
import { describe, expect, it } from "vitest";
import { parseAssignment } from "./config.js";
import { parseStatuses } from "./deployments.js";
import { normalizeServer } from "./login.js";

describe("command argument parsing", () => {
  it("parses --status lists, repeatable and comma-separated", () => {
    expect(parseStatuses("healthy,FAILED")).toEqual([DeploymentStatus.HEALTHY, DeploymentStatus.FAILED]);
    expect(parseStatuses("destroyed", [DeploymentStatus.HEALTHY])).toEqual([
      DeploymentStatus.HEALTHY,
      DeploymentStatus.DESTROYED,
    ]);
    expect(() => parseStatuses("healty")).toThrow(
      'unknown status "healty"; known: deploying, healthy, unhealthy, failed, destroyed',
    );
    expect(() => parseStatuses("unspecified")).toThrow(/unknown status/);
  });

  it("splits KEY=VALUE at the first =", () => {
    expect(parseAssignment("URL=postgres://x?a=b")).toEqual(["URL", "postgres://x?a=b"]);
    expect(parseAssignment("EMPTY=")).toEqual(["EMPTY", ""]);
    expect(() => parseAssignment("NOVALUE")).toThrow('expected KEY=VALUE, got "NOVALUE"');
    expect(() => parseAssignment("=x")).toThrow(/KEY=VALUE/);
  });

  it("normalises server addresses", () => {
    expect(normalizeServer("127.0.0.1:9701")).toBe("http://127.0.0.1:9701");
    expect(normalizeServer("https://berth.example.com/")).toBe("https://berth.example.com");
    expect(() => normalizeServer("ftp://x")).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeServer("http://")).toThrow(/not a URL/);
  });
});
