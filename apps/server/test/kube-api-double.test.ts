/**
 * The Kubernetes API double (helpers/kube-double) that kubernetes-platform.test.ts runs the platform against: no
 * cluster runs on the machines these tests run on, so the double must be as strict as the real API server is, or the
 * platform's tests would pass against requests a cluster refuses. This checks that strictness directly.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type KubeApiDouble, startKubeApiDouble } from "./helpers/kube-double/api-double.js";

const ns = "berth";
let api: KubeApiDouble;

beforeEach(async () => {
  api = await startKubeApiDouble({ namespaces: { initial: ["default", ns] } });
});
afterEach(async () => {
  await api.close();
});

describe("the Kubernetes API double rejects what the real API would", () => {
  const deployment = (patch: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web-v1" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "app", image: "x:1" }] } },
    },
    ...patch,
  });

  async function call(path: string, init: RequestInit = {}, token = api.token) {
    const r = await fetch(api.url + path, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
    return { code: r.status, body: (await r.json()) as { kind: string; reason: string; message: string } };
  }
  const post = (body: unknown, query = "") =>
    call(`/apis/apps/v1/namespaces/${ns}/deployments${query}`, {
      method: "POST",
      body: JSON.stringify(body),
    });

  it("answers with Status objects: 401, 404, 409, 415, 400 and 422 naming the field", async () => {
    expect((await call(`/api/v1/namespaces/${ns}/pods`, {}, "wrong")).code).toBe(401);
    const missing = await call(`/apis/apps/v1/namespaces/${ns}/deployments/nope`);
    expect([missing.code, missing.body.kind, missing.body.reason]).toEqual([404, "Status", "NotFound"]);
    expect((await call("/apis/apps/v1/namespaces/x/statefulsets")).code).toBe(404);

    expect((await post(deployment())).code).toBe(201);
    const again = await post(deployment());
    expect([again.code, again.body.reason]).toEqual([409, "AlreadyExists"]);

    const patchType = await call(`/apis/apps/v1/namespaces/${ns}/deployments`, {
      method: "POST",
      body: JSON.stringify(deployment({ metadata: { name: "other" } })),
      headers: { "content-type": "application/merge-patch+json" },
    });
    expect(patchType.code).toBe(415);

    const wrongKind = await post(deployment({ kind: "Pod", metadata: { name: "other" } }));
    expect([wrongKind.code, wrongKind.body.reason]).toEqual([400, "BadRequest"]);
    const unknown = await post(
      deployment({ metadata: { name: "other" }, extra: 1 }),
      "?fieldValidation=Strict",
    );
    expect(unknown.code).toBe(400);
    expect(unknown.body.message).toContain('unknown field "extra"');

    const badName = await post(deployment({ metadata: { name: "Web_V1" } }));
    expect([badName.code, badName.body.reason]).toEqual([422, "Invalid"]);
    expect(badName.body.message).toContain('metadata.name: Invalid value: "Web_V1"');
    const noImage = await post(
      deployment({
        metadata: { name: "other" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: { metadata: { labels: { a: "c" } }, spec: { containers: [{ name: "app" }] } },
        },
      }),
    );
    expect(noImage.code).toBe(422);
    expect(noImage.body.message).toContain("spec.template.spec.containers[0].image: Required value");
    expect(noImage.body.message).toContain("`selector` does not match template `labels`");
  });

  it("makes objects only in a namespace that exists, and namespaces only with cluster-wide credentials", async () => {
    const intoMissing = await call("/apis/apps/v1/namespaces/shop/deployments", {
      method: "POST",
      body: JSON.stringify(deployment()),
    });
    expect([intoMissing.code, intoMissing.body.message]).toEqual([404, 'namespaces "shop" not found']);
    expect((await call("/api/v1/namespaces/shop")).code).toBe(404);
    const create = (body: unknown) =>
      call("/api/v1/namespaces?fieldValidation=Strict", { method: "POST", body: JSON.stringify(body) });
    const shop = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };
    expect((await create(shop)).code).toBe(201);
    expect((await call("/api/v1/namespaces/shop")).code).toBe(200);
    expect((await create(shop)).body.reason).toBe("AlreadyExists");
    const badName = await create({ ...shop, metadata: { name: "my.shop" } });
    expect([badName.code, badName.body.reason]).toEqual([422, "Invalid"]);
    expect(badName.body.message).toContain("RFC 1123 label");
    expect((await create({ ...shop, metadata: { name: "x" }, extra: true })).code).toBe(400);
    expect((await create({ ...shop, kind: "Pod" })).code).toBe(400);

    const scoped = await startKubeApiDouble({ namespaces: { access: "none" } });
    try {
      const read = await fetch(`${scoped.url}/api/v1/namespaces/default`, {
        headers: { authorization: `Bearer ${scoped.token}` },
      });
      expect(read.status).toBe(403);
      const made = await fetch(`${scoped.url}/api/v1/namespaces`, {
        method: "POST",
        headers: { authorization: `Bearer ${scoped.token}`, "content-type": "application/json" },
        body: JSON.stringify(shop),
      });
      expect([made.status, ((await made.json()) as { reason: string }).reason]).toEqual([403, "Forbidden"]);
    } finally {
      await scoped.close();
    }
  });

  it("updates a Service only over the version it read, keeping its cluster IP", async () => {
    const path = `/api/v1/namespaces/${ns}/services`;
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { a: "b" }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const made = await call(path, { method: "POST", body: JSON.stringify(service) });
    expect(made.code).toBe(201);
    const stored = made.body as unknown as {
      metadata: { resourceVersion: string };
      spec: { clusterIP: string };
    };
    expect(stored.spec.clusterIP).toMatch(/^10\.96\./);
    const put = (body: unknown) => call(`${path}/web`, { method: "PUT", body: JSON.stringify(body) });
    const unversioned = await put({
      ...service,
      spec: { ...service.spec, clusterIP: stored.spec.clusterIP },
    });
    expect([unversioned.code, unversioned.body.reason]).toEqual([422, "Invalid"]);
    expect(unversioned.body.message).toContain("metadata.resourceVersion");
    const versioned = {
      ...service,
      metadata: { name: "web", resourceVersion: stored.metadata.resourceVersion },
    };
    const newIP = await put({ ...versioned, spec: { ...service.spec, clusterIP: "10.96.9.9" } });
    expect(newIP.body.message).toContain("spec.clusterIP");
    const ok = await put({
      ...versioned,
      spec: { ...service.spec, selector: { a: "c" }, clusterIP: stored.spec.clusterIP },
    });
    expect(ok.code).toBe(200);
    const stale = await put({ ...versioned, spec: { ...service.spec, clusterIP: stored.spec.clusterIP } });
    expect([stale.code, stale.body.reason]).toEqual([409, "Conflict"]);
    const noPorts = await call(path, {
      method: "POST",
      body: JSON.stringify({ ...service, metadata: { name: "9web" }, spec: { selector: { a: "b" } } }),
    });
    expect(noPorts.code).toBe(422);
    expect(noPorts.body.message).toContain("DNS-1035");
    expect(noPorts.body.message).toContain("spec.ports: Required value");
  });
});
