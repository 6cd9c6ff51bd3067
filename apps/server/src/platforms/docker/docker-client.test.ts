import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dockerClient, dockerSocketOf, pingDocker } from "./docker-client.js";

const dir = mkdtempSync(join(tmpdir(), "berth-docker-client-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Docker socket", () => {
  it("is berth.hcl's socket, else $DOCKER_HOST, else /var/run/docker.sock", () => {
    const saved = process.env.DOCKER_HOST;
    try {
      delete process.env.DOCKER_HOST;
      expect(dockerSocketOf(undefined)).toBe("/var/run/docker.sock");
      process.env.DOCKER_HOST = "unix:///run/other.sock";
      expect(dockerSocketOf(undefined)).toBe("unix:///run/other.sock");
      expect(dockerSocketOf("/tmp/mine.sock")).toBe("/tmp/mine.sock");
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it("missing: one error naming it", async () => {
    const socket = join(dir, "missing.sock");
    await expect(pingDocker(await dockerClient(`unix://${socket}`), socket)).rejects.toThrow(
      `the Docker engine at ${socket} does not answer`,
    );
  });

  it("refusing (something that is no Docker engine hangs up): one error naming it", async () => {
    const socket = join(dir, "refusing.sock");
    const server = createServer((c) => c.destroy());
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      await expect(pingDocker(await dockerClient(socket), socket)).rejects.toThrow(
        `the Docker engine at ${socket} does not answer`,
      );
    } finally {
      server.close();
    }
  });
});
