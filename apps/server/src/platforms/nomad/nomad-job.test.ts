import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../platform.js";
import { nomadJob, shellQuote } from "./nomad-job.js";

const spec: DeploymentSpec = {
  deploymentId: "dep1",
  project: "shop",
  app: "web",
  seq: 3,
  command: "node server.js --name 'it''s'",
  count: 2,
  health: { path: "", intervalMs: 1000, timeoutMs: 500 },
  artifactPath: "/artifacts/a.tar.gz",
};
const files = {
  appDir: "/apps/dep1/app",
  node: "/usr/bin/node",
  entrypoint: "/e/bin.js",
  entrypointDir: "/e/dist",
};
const task = (job: ReturnType<typeof nomadJob>) => job.TaskGroups[0]!.Tasks[0]!;

describe("nomadJob", () => {
  it("runs raw_exec through sh in the unpacked app, the entrypoint wrapping the command, quoted", () => {
    const job = nomadJob(spec, { A: "1" }, files);
    expect(job.ID).toBe("shop-web-v3");
    expect(job).not.toHaveProperty("Datacenters");
    const t = task(job);
    expect(t.Driver).toBe("raw_exec");
    expect(t.Config).toEqual({
      command: "/bin/sh",
      args: [
        "-c",
        `cd '/apps/dep1/app' && exec '/usr/bin/node' '/e/bin.js' '--' 'sh' '-c' 'node server.js --name '\\''it'\\'''\\''s'\\'''`,
      ],
    });
    expect(t.Env).toEqual({ A: "1", PORT: ["$", "{NOMAD_PORT_http}"].join("") });
    expect(t.Resources).toEqual({});
    // An empty health path is a TCP check.
    expect(job.TaskGroups[0]!.Services[0]!.Checks[0]).toEqual({
      Name: "berth-health",
      Type: "tcp",
      Interval: 1_000_000_000,
      Timeout: 500_000_000,
    });
    expect(job.TaskGroups[0]!.Update).toEqual({
      MaxParallel: 1,
      Canary: 0,
      AutoPromote: false,
      HealthCheck: "checks",
    });
  });

  it("runs the docker driver on the named image with the app and entrypoint mounted, on the host network", () => {
    const job = nomadJob(
      { ...spec, options: { driver: "docker", image: "node:20-slim", memory: "1g", cpus: 2 } },
      {},
      files,
    );
    expect(task(job).Config).toMatchObject({
      image: "node:20-slim",
      command: "node",
      network_mode: "host",
      volumes: ["/apps/dep1/app:/app", "/e/dist:/berth:ro"],
    });
    expect(task(job).Resources).toEqual({ CPU: 2000, MemoryMB: 1024 });
  });

  it("names the field of a bad option", () => {
    expect(() => nomadJob({ ...spec, options: { driver: "java" } }, {}, files)).toThrow(
      'nomad "driver" must be one of raw_exec, exec, docker, got "java"',
    );
    expect(() => nomadJob({ ...spec, options: { driver: "docker" } }, {}, files)).toThrow('needs an "image"');
    expect(() => nomadJob({ ...spec, options: { memory: "lots" } }, {}, files)).toThrow(
      'memory must be a size like "256m" or "1g", got "lots"',
    );
  });

  it("quotes words for sh", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
