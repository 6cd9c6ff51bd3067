import { describe, expect, it } from "vitest";
import type { DeploymentSpec, InstanceView } from "../platform.js";
import { containerSettings, labelOf, memoryBytes } from "./container-settings.js";

const spec = {
  deploymentId: "01DEPLOYMENT",
  project: "shop",
  app: "web",
  seq: 3,
  command: "node server.js",
  count: 2,
  health: { path: "/", intervalMs: 1000, timeoutMs: 2000 },
  artifactPath: "/nowhere",
  platform: "docker",
  options: { image: "node:20-slim", memory: "512m", cpus: 0.5, server_addr: "http://10.0.0.1:7000" },
} satisfies DeploymentSpec;

describe("containerSettings", () => {
  it("names and labels the container after its slot, host network only, restart policy and limits", () => {
    const view = { id: "01INSTANCE", idx: 1, port: 4321 } as InstanceView;
    const s = containerSettings(spec, view, "berth/shop-web:abc", {
      PORT: "4321",
      BERTH_SERVER_ADDR: "http://127.0.0.1:7000",
    });
    expect(s.name).toBe("berth-shop-web-v3-1");
    expect(s.Cmd).toEqual(["sh", "-c", "node server.js"]);
    expect(s.HostConfig).toEqual({
      NetworkMode: "host",
      RestartPolicy: { Name: "unless-stopped" },
      Memory: 512 * 1024 * 1024,
      NanoCpus: 500_000_000,
    });
    // server_addr replaces the server's own URL: the address the entrypoint dials from inside.
    // The app's output also goes to the container's log (the native-logs fallback).
    expect(s.Env).toEqual(["PORT=4321", "BERTH_SERVER_ADDR=http://10.0.0.1:7000", "BERTH_ENTRYPOINT_ECHO=1"]);
    expect(labelOf(s.Labels, "deployment")).toBe("01DEPLOYMENT");
    expect(labelOf(s.Labels, "instance")).toBe("01INSTANCE");
    expect(labelOf(s.Labels, "idx")).toBe("1");
    expect(labelOf(s.Labels, "port")).toBe("4321");
    expect(labelOf(s.Labels, "nothing")).toBe("");
  });

  it("reads memory sizes and refuses others", () => {
    expect(memoryBytes("1g")).toBe(1024 ** 3);
    expect(memoryBytes("64K")).toBe(64 * 1024);
    expect(memoryBytes(1000)).toBe(1000);
    expect(memoryBytes(undefined)).toBeUndefined();
    expect(() => memoryBytes("lots")).toThrow('memory must be a size like "256m" or "1g", got "lots"');
  });
});
