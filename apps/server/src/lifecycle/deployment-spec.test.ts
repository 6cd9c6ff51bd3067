import { describe, expect, it } from "vitest";
import type { DeploymentTable } from "../store/schema.js";
import { platformSpec, specFromAppConfig } from "./deployment-spec.js";

const config = (deploy: Record<string, unknown>) =>
  JSON.stringify({ deploy: { command: "node s.js", ...deploy } });

describe("specFromAppConfig", () => {
  it("keeps the platform and its attributes for the platform, and stores nothing extra for process", () => {
    const docker = specFromAppConfig(config({ use: "docker", options: { image: "node:20-slim", cpus: 1 } }));
    expect(docker).toMatchObject({ platform: "docker", options: { image: "node:20-slim", cpus: 1 } });
    const plain = specFromAppConfig(config({ use: "process" }));
    expect(plain).not.toHaveProperty("platform");
    expect(plain).not.toHaveProperty("options");

    const row = { id: "d1", seq: 2, spec_json: JSON.stringify(docker) } as DeploymentTable;
    expect(platformSpec(row, { project: "p", app: "a" }, "/a.tgz")).toMatchObject({
      platform: "docker",
      options: { image: "node:20-slim", cpus: 1 },
    });
  });

  it("refuses a platform this server does not run, naming the ones it does", () => {
    expect(() => specFromAppConfig(config({ use: "swarm" }))).toThrow(
      'unknown deploy platform "swarm"; this server runs: process, docker, kubernetes, nomad',
    );
  });
});
