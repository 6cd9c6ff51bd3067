import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubeError, kubeTarget } from "./kube-client.js";

const dir = mkdtempSync(join(tmpdir(), "berth-kubeconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kubeconfig = join(dir, "config");
writeFileSync(
  kubeconfig,
  JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "a", cluster: { server: "https://a.example:6443" } },
      { name: "b", cluster: { server: "https://b.example:6443" } },
    ],
    users: [{ name: "u", user: { token: "t" } }],
    contexts: [
      { name: "dev", context: { cluster: "a", user: "u", namespace: "team" } },
      { name: "prod", context: { cluster: "b", user: "u" } },
    ],
    "current-context": "dev",
  }),
);

describe("kubeTarget", () => {
  it("takes the context's cluster and namespace unless berth.hcl names others", async () => {
    const dev = await kubeTarget({ kubeconfig });
    expect([dev.server, dev.namespace]).toEqual(["https://a.example:6443", "team"]);
    const prod = await kubeTarget({ kubeconfig, context: "prod" });
    expect([prod.server, prod.namespace]).toEqual(["https://b.example:6443", "default"]);
    const shop = await kubeTarget({ kubeconfig, context: "prod", namespace: "shop" });
    expect(shop.namespace).toBe("shop");
    expect(new Set([dev.key, prod.key, shop.key]).size).toBe(3);
  });

  it("names the context it lacks, and the file it cannot read", async () => {
    await expect(kubeTarget({ kubeconfig, context: "staging" })).rejects.toThrow(
      `kubeconfig ${kubeconfig} has no context "staging"; it has: dev, prod`,
    );
    await expect(kubeTarget({ kubeconfig: join(dir, "missing") })).rejects.toThrow(
      `cannot read the kubeconfig ${join(dir, "missing")}`,
    );
  });
});

describe("kubeError", () => {
  const target = { server: "https://a.example:6443" };
  it("gives the API's own Status message, or says that nothing answered", () => {
    const refused = Object.assign(new Error("HTTP-Code: 422"), {
      code: 422,
      body: JSON.stringify({
        kind: "Status",
        message: 'Deployment "x" is invalid: spec.replicas: Invalid value',
      }),
    });
    expect(kubeError(refused, target, 'create Deployment "x"').message).toBe(
      'the Kubernetes API at https://a.example:6443 refused to create Deployment "x": Deployment "x" is invalid: spec.replicas: Invalid value',
    );
    const down = Object.assign(new Error("connect ECONNREFUSED"), { type: "system", code: "ECONNREFUSED" });
    expect(kubeError(down, target, "list").message).toBe(
      "the Kubernetes API at https://a.example:6443 does not answer (list): connect ECONNREFUSED",
    );
  });
});
