import { describe, expect, it } from "vitest";
import type { DeploymentSpec } from "../platform.js";
import {
  deploymentManifest,
  imageOf,
  memoryQuantity,
  objectNames,
  secretManifest,
} from "./deployment-manifest.js";

const spec = (options: Record<string, string | number> = {}, health = "/healthz"): DeploymentSpec => ({
  deploymentId: "01JDEPLOYMENT",
  project: "shop",
  app: "web",
  seq: 3,
  command: "node server.js",
  count: 2,
  health: { path: health, intervalMs: 2000, timeoutMs: 1500 },
  artifactPath: "",
  platform: "kubernetes",
  options: { image: "ghcr.io/acme/web:1.2", ...options },
});

describe("deploymentManifest", () => {
  it("probes the health path over HTTP, or the port over TCP when the check is a connect", () => {
    const http = deploymentManifest(spec(), {}).spec?.template.spec?.containers[0];
    expect(http?.readinessProbe).toEqual({
      httpGet: { path: "/healthz", port: 8080 },
      timeoutSeconds: 2,
      periodSeconds: 2,
      failureThreshold: 3,
    });
    expect(http?.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: 8080 });
    expect(http?.livenessProbe?.periodSeconds).toBe(10);
    const tcp = deploymentManifest(spec({ port: 3000 }, ""), {}).spec?.template.spec?.containers[0];
    expect(tcp?.readinessProbe?.tcpSocket).toEqual({ port: 3000 });
    expect(tcp?.readinessProbe?.httpGet).toBeUndefined();
  });

  it("keeps the token and the template's instance id out of plain env, and sets limits only when asked", () => {
    const d = deploymentManifest(spec({ server_addr: "https://berth.internal:7000" }), {
      V: "1",
      BERTH_INSTANCE_ID: "template",
      BERTH_ENTRYPOINT_TOKEN: "secret",
      BERTH_SERVER_ADDR: "http://127.0.0.1:7000",
    });
    const c = d.spec?.template.spec?.containers[0];
    const plain = Object.fromEntries(
      (c?.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]),
    );
    expect(plain).toEqual({ V: "1", PORT: "8080", BERTH_SERVER_ADDR: "https://berth.internal:7000" });
    expect(c?.env?.find((e) => e.name === "BERTH_INSTANCE_ID")?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.name" },
    });
    expect(c?.resources).toBeUndefined();
    expect(
      deploymentManifest(spec({ memory: "1g", cpus: 2 }), {}).spec?.template.spec?.containers[0]?.resources,
    ).toEqual({
      limits: { memory: "1Gi", cpu: "2000m" },
      requests: { memory: "1Gi", cpu: "2000m" },
    });
  });

  it("selects its pods by the deployment id, which the template's labels carry", () => {
    const d = deploymentManifest(spec(), {});
    expect(d.spec?.selector.matchLabels).toEqual({ "berth.dev/deployment-id": "01JDEPLOYMENT" });
    expect(d.spec?.template.metadata?.labels?.["berth.dev/deployment-id"]).toBe("01JDEPLOYMENT");
    expect(objectNames(spec())).toEqual({ deployment: "shop-web-v3", secret: "shop-web-v3-berth" });
    expect(secretManifest(spec(), "tok").stringData).toEqual({ token: "tok" });
  });
});

describe("memoryQuantity", () => {
  it("writes berth.hcl sizes in Kubernetes' binary units", () => {
    expect([
      memoryQuantity("256m"),
      memoryQuantity("2G"),
      memoryQuantity("512k"),
      memoryQuantity(1000),
    ]).toEqual(["256Mi", "2Gi", "512Ki", "1000"]);
    expect(memoryQuantity(undefined)).toBeUndefined();
    expect(() => memoryQuantity("lots")).toThrow('memory must be a size like "256m" or "1g", got "lots"');
  });
});

describe("imageOf", () => {
  it("accepts registry references and names a malformed or missing one", () => {
    for (const ok of [
      "nginx",
      "node:20-slim",
      "ghcr.io/acme/web:1.2",
      "localhost:5000/a/b",
      `a@sha256:${"0".repeat(64)}`,
    ])
      expect(imageOf(spec({ image: ok }))).toBe(ok);
    expect(() => imageOf(spec({ image: "Web App:latest" }))).toThrow(
      '"Web App:latest" is not a valid image reference',
    );
    expect(() => imageOf(spec({ image: "acme/web:" }))).toThrow('"acme/web:" is not a valid image reference');
    expect(() => imageOf({ ...spec(), options: {} })).toThrow('deploy "kubernetes" needs an "image"');
  });
});
