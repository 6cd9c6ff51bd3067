/**
 * The kubernetes platform against a DOUBLE of the Kubernetes API (helpers/kube-double): no cluster runs on the
 * machines these tests run on. The double serves only the endpoints the platform calls and rejects what the real
 * API server would (see its header); its kubelet runs each pod as an HTTP server on its own 127.0.0.N address, so
 * the real router, real HTTP requests, real log streams and real exec processes are what the tests exercise.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexRouteTable, type NodeProxy, parseHost, type RouteIndex, startNodeProxy } from "@berth/router";
import { afterEach, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment, insertRelease } from "../src/history/insert-history.js";
import { createKubernetesPlatform } from "../src/platforms/kubernetes/kubernetes-platform.js";
import type { DeploymentSpec, InstanceView, Platform } from "../src/platforms/platform.js";
import { freePort } from "../src/platforms/process/free-port.js";
import { buildRouteTable } from "../src/route-feed/build-route-table.js";
import { openStore, type Store } from "../src/store/open-store.js";
import { type KubeApiDouble, startKubeApiDouble } from "./helpers/kube-double/api-double.js";
import { until } from "./helpers/until.js";

const ns = "berth";
let dir: string;
let store: Store;
let api: KubeApiDouble;
let kubeconfig: string;
let appId: string;
let port: number;
const platforms: Platform[] = [];
/** What the platforms reported through onError: nothing, in every test. */
let errors: unknown[] = [];
let proxy: NodeProxy | undefined;

afterEach(async () => {
  for (const p of platforms.splice(0)) await p.close();
  expect(errors).toEqual([]);
  errors = [];
  await proxy?.close();
  proxy = undefined;
  await api?.close();
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

async function setup(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), "berth-k8s-"));
  store = await openStore({ path: join(dir, "berth.db") });
  api = await startKubeApiDouble();
  kubeconfig = await api.writeKubeconfig(join(dir, "kubeconfig"), ns);
  appId = (await upsertApplication(store.db, { project: "shop", app: "web", labels: {}, configJson: "" })).id;
  port = await freePort();
}

async function newSpec(options: Record<string, string | number> = {}): Promise<DeploymentSpec> {
  const dep = await insertDeployment(store.db, { appId });
  return {
    deploymentId: dep.id,
    project: "shop",
    app: "web",
    seq: dep.seq,
    command: "node server.js",
    count: 2,
    health: { path: "/healthz", intervalMs: 1000, timeoutMs: 1000 },
    artifactPath: "",
    platform: "kubernetes",
    options: { image: "ghcr.io/acme/web:1.0", kubeconfig, port, memory: "256m", cpus: 0.5, ...options },
  };
}

function start(): Platform {
  const p = createKubernetesPlatform({
    db: store.db,
    envFor: async (_s, i) => ({ V: "1", BERTH_INSTANCE_ID: `template-${i.idx}` }),
    tokenFor: async (s) => `token-${s.deploymentId}`,
    podsTimeoutMs: 10_000,
    onError: (err) => errors.push(err),
  });
  platforms.push(p);
  return p;
}

const signal = () => new AbortController().signal;

function healthy(p: Platform, deploymentId: string, n = 2): Promise<InstanceView[]> {
  return until(`${n} healthy pods of ${deploymentId}`, () => {
    const list = p.instances(deploymentId);
    return list.length === n && list.every((i) => i.state === "running" && i.health === "healthy") && list;
  });
}

describe("kubernetes platform (against an API double)", () => {
  it("makes a Deployment and a Secret, and its pods are healthy instances the app answers at", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    const changed = new Set<string>();
    p.onChange((id) => changed.add(id));
    await p.deploy(spec, signal());

    const [d] = api.objects("Deployment", ns);
    expect(d?.metadata.name).toBe("shop-web-v1");
    expect(d?.metadata.labels).toEqual({
      "berth.dev/project": "shop",
      "berth.dev/app": "web",
      "berth.dev/deployment-id": spec.deploymentId,
      "berth.dev/managed-by": "berth",
    });
    expect(d?.spec.replicas).toBe(2);
    const c = d?.spec.template.spec.containers[0];
    expect(c.image).toBe("ghcr.io/acme/web:1.0");
    expect(c.args).toEqual(["sh", "-c", "node server.js"]);
    expect(c.readinessProbe.httpGet).toEqual({ path: "/healthz", port });
    expect(c.resources.limits).toEqual({ memory: "256Mi", cpu: "500m" });
    const env = Object.fromEntries(c.env.map((e: { name: string }) => [e.name, e]));
    expect(env.PORT.value).toBe(String(port));
    // The token only through the Secret, never as a plain value in the Deployment.
    expect(env.BERTH_ENTRYPOINT_TOKEN).toEqual({
      name: "BERTH_ENTRYPOINT_TOKEN",
      valueFrom: { secretKeyRef: { name: "shop-web-v1-berth", key: "token" } },
    });
    expect(JSON.stringify(d)).not.toContain(`token-${spec.deploymentId}`);
    const [secret] = api.objects("Secret", ns);
    expect(Buffer.from(secret?.data.token, "base64").toString()).toBe(`token-${spec.deploymentId}`);

    const pods = await healthy(p, spec.deploymentId);
    expect(new Set(pods.map((i) => i.host)).size).toBe(2);
    for (const i of pods) {
      expect(i.host).toMatch(/^127\.0\.0\.(\d+)$/);
      expect(i.host).not.toBe("127.0.0.1");
      expect(i.port).toBe(port);
      expect(i.nativeId).toBe(i.id);
      expect(i.id).toMatch(/^shop-web-v1-/);
      // The app sees its pod name as its instance id (the downward API) and the config env.
      expect(await (await fetch(`http://${i.host}:${i.port}/`)).text()).toBe(
        `pod=${i.id} instance=${i.id} v=1\n`,
      );
    }
    expect([...changed]).toEqual([spec.deploymentId]);
    await until("instance rows", async () => {
      const rows = await store.db.selectFrom("instances").selectAll().execute();
      return rows.filter((r) => r.health === "healthy").length === 2;
    });
  });

  it("serves releases and rollbacks through the router at pod IPs; destroy leaves no Deployment or Secret", async () => {
    await setup();
    const p = start();
    const v1 = await newSpec();
    const v2 = await newSpec();
    await p.deploy(v1, signal());
    await p.deploy(v2, signal());
    await healthy(p, v1.deploymentId);
    await healthy(p, v2.deploymentId);
    let index: RouteIndex | undefined;
    const sources = {
      db: store.db,
      baseDomain: "test",
      instances: p.instances,
      liveDeployments: p.liveDeployments,
    };
    const refresh = async () => {
      index = indexRouteTable(await buildRouteTable(sources, BigInt(Date.now())));
    };
    proxy = await startNodeProxy({
      host: "127.0.0.1",
      port: 0,
      resolve: (req) => {
        const target = parseHost(req.headers.host, "test");
        return target && index
          ? index.resolve(target, () => true)
          : { ok: false, status: 404, message: "no route" };
      },
      onRefused: () => {},
    });
    // node:http, not fetch: fetch does not send a Host header of our choosing.
    const get = () =>
      new Promise<string>((resolve, reject) => {
        request(
          { host: "127.0.0.1", port: proxy?.port, path: "/", headers: { host: "web.shop.test" } },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
            });
            res.on("end", () => resolve(body));
          },
        )
          .on("error", reject)
          .end();
      });
    const release = async (deploymentId: string) => {
      const r = await insertRelease(store.db, { appId, targets: [{ deploymentId, weight: 100 }] });
      await store.db
        .updateTable("applications")
        .set({ current_release_id: r.id })
        .where("id", "=", appId)
        .execute();
      await refresh();
      return r.id;
    };
    const first = await release(v1.deploymentId);
    expect(await get()).toMatch(/^pod=shop-web-v1-/);
    await release(v2.deploymentId);
    expect(await get()).toMatch(/^pod=shop-web-v2-/);
    // Rollback: the previous release is current again.
    await store.db
      .updateTable("applications")
      .set({ current_release_id: first })
      .where("id", "=", appId)
      .execute();
    await refresh();
    expect(await get()).toMatch(/^pod=shop-web-v1-/);

    await p.destroy(v2.deploymentId);
    expect(api.objects("Deployment", ns).map((d) => d.metadata.name)).toEqual(["shop-web-v1"]);
    await p.destroy(v1.deploymentId);
    expect(api.objects("Deployment", ns)).toEqual([]);
    expect(api.objects("Secret", ns)).toEqual([]);
    expect(api.objects("Pod", ns)).toEqual([]);
    expect(p.liveDeployments()).toEqual([]);
    const rows = await store.db.selectFrom("instances").select("state").execute();
    expect(rows.length).toBe(4);
    expect(rows.every((r) => r.state === "stopped")).toBe(true);
  });

  it("a new server adopts the running Deployment and its pods instead of making another", async () => {
    await setup();
    const first = start();
    const spec = await newSpec();
    await first.deploy(spec, signal());
    const before = (await healthy(first, spec.deploymentId)).map((i) => i.id);
    await first.close();
    expect(api.objects("Pod", ns).length).toBe(2);

    const second = start();
    expect(await second.resume([spec])).toEqual({ adopted: 2, started: 0 });
    const after = await healthy(second, spec.deploymentId);
    expect(after.map((i) => i.id)).toEqual(before);
    expect(api.objects("Deployment", ns).length).toBe(1);
    expect(api.objects("Pod", ns).length).toBe(2);
    expect(api.requests.filter((r) => r === `POST /apis/apps/v1/namespaces/${ns}/deployments`).length).toBe(
      1,
    );
  });

  it("sweeps the objects of deployments the store records as destroyed, and only those", async () => {
    await setup();
    const first = start();
    const gone = await newSpec();
    const kept = await newSpec();
    await first.deploy(gone, signal());
    await first.deploy(kept, signal());
    await first.close();
    await store.db
      .updateTable("deployments")
      .set({ status: "destroyed" })
      .where("id", "=", gone.deploymentId)
      .execute();

    const second = start();
    await second.resume([kept]);
    const names = (kind: string) => api.objects(kind, ns).map((o) => o.metadata.name);
    await until(
      "the destroyed deployment's objects to go",
      () => !names("Deployment").includes("shop-web-v1"),
    );
    expect(names("Deployment")).toEqual(["shop-web-v2"]);
    expect(names("Secret")).toEqual(["shop-web-v2-berth"]);
    await healthy(second, kept.deploymentId);
  });

  it("follows a pod through a dropped watch, a crash and its restart: crashed, then healthy with a restart", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    await p.deploy(spec, signal());
    const [pod] = await healthy(p, spec.deploymentId);
    if (!pod) throw new Error("no pod");
    const seen: string[] = [];
    p.onChange(() => {
      const v = p.instances(spec.deploymentId).find((i) => i.id === pod.id);
      if (v) seen.push(`${v.state}/${v.health}/${v.restarts}/${v.lastHealthError}`);
    });
    // The watch ends first (an API server restart): the platform watches again from the resourceVersion it had,
    // so the crash's events, made before its new watch opens, still reach it.
    const watches = () => api.requests.filter((r) => r === `GET /api/v1/namespaces/${ns}/pods`).length;
    const before = watches();
    api.dropWatches();
    await api.kubelet.crash(pod.id, 137);
    const after = await until("the pod to be healthy again after a restart", () => {
      const v = p.instances(spec.deploymentId).find((i) => i.id === pod.id);
      return v?.restarts === 1 && v.health === "healthy" && v;
    });
    expect(after.host).toBe(pod.host);
    expect(watches()).toBeGreaterThan(before);
    expect(seen[0]).toBe("crashed/unhealthy/1/CrashLoopBackOff: back-off 10s restarting failed container");
    expect(seen).toContain("running/unhealthy/1/");
    expect(seen.at(-1)).toBe("running/healthy/1/");
  });

  it("writes a renewed entrypoint token into the Secret, which a restarted container reads", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    await p.deploy(spec, signal());
    const [pod] = await healthy(p, spec.deploymentId);
    if (!pod) throw new Error("no pod");
    const tokenIn = (name: string) => api.kubelet.runtimes.get(name)?.env.BERTH_ENTRYPOINT_TOKEN;
    expect(tokenIn(pod.id)).toBe(`token-${spec.deploymentId}`);
    await p.tokenRenewed!(spec.deploymentId, pod.id, "renewed-token");
    const [secret] = api.objects("Secret", ns);
    expect(Buffer.from(secret?.data.token, "base64").toString()).toBe("renewed-token");
    // A running container keeps its env (its entrypoint got the renewal over its session); a restart reads it anew.
    expect(tokenIn(pod.id)).toBe(`token-${spec.deploymentId}`);
    await api.kubelet.crash(pod.id, 1);
    expect(tokenIn(pod.id)).toBe("renewed-token");
  });

  it("points the app's Service at the released deployment's pods, and re-points it on the next release", async () => {
    await setup();
    const p = start();
    const v1 = await newSpec({ service: "web" });
    const v2 = await newSpec({ service: "web" });
    await p.deploy(v1, signal());
    await p.deploy(v2, signal());
    await p.released!(v1.deploymentId);
    const [made] = api.objects("Service", ns);
    expect(made?.metadata.name).toBe("web");
    expect(made?.metadata.labels).toEqual({
      "berth.dev/project": "shop",
      "berth.dev/app": "web",
      "berth.dev/managed-by": "berth",
    });
    expect(made?.spec.selector).toEqual({ "berth.dev/deployment-id": v1.deploymentId });
    expect(made?.spec.ports).toEqual([{ name: "http", port: 80, targetPort: port }]);
    const clusterIP = made?.spec.clusterIP;

    await p.released!(v2.deploymentId);
    const [moved] = api.objects("Service", ns);
    expect(moved?.spec.selector).toEqual({ "berth.dev/deployment-id": v2.deploymentId });
    expect(moved?.spec.clusterIP).toBe(clusterIP);
    expect(api.requests.filter((r) => r === `PUT /api/v1/namespaces/${ns}/services/web`)).toHaveLength(1);

    // Without `service` there is nothing to point; a Service of that name Berth did not make is not taken over.
    const plain = await newSpec();
    await p.deploy(plain, signal());
    await p.released!(plain.deploymentId);
    expect(api.objects("Service", ns)).toHaveLength(1);
    const foreign = await fetch(`${api.url}/api/v1/namespaces/${ns}/services`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "db" },
        spec: { selector: { app: "db" }, ports: [{ port: 5432 }] },
      }),
    });
    expect(foreign.status).toBe(201);
    const intoForeign = await newSpec({ service: "db" });
    await p.deploy(intoForeign, signal());
    await expect(p.released!(intoForeign.deploymentId)).rejects.toThrow(
      `a Service "db" that Berth did not make for shop/web already exists in namespace "${ns}"`,
    );
    expect(api.objects("Service", ns).find((x) => x.metadata.name === "db")?.spec.selector).toEqual({
      app: "db",
    });
  });

  it("reads pod logs through the log endpoint, the newest lines and then following", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    await p.deploy(spec, signal());
    const [pod] = await healthy(p, spec.deploymentId);
    if (!pod) throw new Error("no pod");
    await fetch(`http://${pod.host}:${pod.port}/`);
    const lines: string[] = [];
    const stop = new AbortController();
    for await (const line of p.nativeLogs!(pod.id, { tailLines: 10, follow: false, signal: stop.signal })) {
      expect(line.atMs).toBeGreaterThan(Date.now() - 60_000);
      lines.push(line.text);
    }
    expect(lines).toEqual([`listening on ${pod.host}:${port}`, "GET / 200"]);

    const followed: string[] = [];
    const follow = (async () => {
      for await (const line of p.nativeLogs!(pod.id, { tailLines: 1, follow: true, signal: stop.signal })) {
        followed.push(line.text);
        if (line.text === "GET /later 404") stop.abort();
      }
    })();
    await until("the tail line", () => followed.length === 1);
    await fetch(`http://${pod.host}:${pod.port}/later`);
    await follow;
    expect(followed).toEqual(["GET / 200", "GET /later 404"]);
  });

  it("execs in a pod: output by stream and the exit code; with a TTY, stdin and resizes reach the pod", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    await p.deploy(spec, signal());
    const [pod] = await healthy(p, spec.deploymentId);
    if (!pod) throw new Error("no pod");

    const run = await p.nativeExec!(
      pod.id,
      {
        args: ["sh", "-c", 'echo "hello $BERTH_INSTANCE_ID"; echo oops >&2; exit 3'],
        tty: false,
        cols: 0,
        rows: 0,
      },
      signal(),
    );
    const out = { stdout: "", stderr: "" };
    for await (const chunk of run.output) out[chunk.stream] += Buffer.from(chunk.data).toString();
    expect(out).toEqual({ stdout: `hello ${pod.id}\n`, stderr: "oops\n" });
    expect(await run.exit).toEqual({ code: 3 });

    const tty = await p.nativeExec!(pod.id, { args: ["cat"], tty: true, cols: 100, rows: 30 }, signal());
    let echoed = "";
    const reading = (async () => {
      for await (const chunk of tty.output) echoed += Buffer.from(chunk.data).toString();
    })();
    tty.write(Buffer.from("ping\n"));
    await until("the echo", () => echoed === "ping\n");
    tty.resize(120, 40);
    await until("the resize", () => api.kubelet.resizes.some((r) => r.width === 120 && r.height === 40));
    expect(api.kubelet.resizes[0]).toEqual({ pod: pod.id, width: 100, height: 30 });
    tty.closeInput();
    expect(await tty.exit).toEqual({ code: 0 });
    await reading;
  });

  it("names the API server when it does not answer, and the image when it is not a valid reference", async () => {
    await setup();
    const p = start();
    const dead = await startKubeApiDouble();
    const deadConfig = await dead.writeKubeconfig(join(dir, "dead-kubeconfig"));
    await dead.close();
    const unreachable = await newSpec({ kubeconfig: deadConfig });
    await expect(p.deploy(unreachable, signal())).rejects.toThrow(
      new RegExp(`the Kubernetes API at ${dead.url.replace(/\./g, "\\.")} does not answer`),
    );

    const bad = await newSpec({ image: "Not A Valid/image" });
    await expect(p.deploy(bad, signal())).rejects.toThrow(
      '"Not A Valid/image" is not a valid image reference',
    );
    expect(api.requests.filter((r) => r.startsWith("POST"))).toEqual([]);
  });

  it("makes a missing namespace; without the right to, names it before anything is made", async () => {
    await setup();
    const p = start();
    const spec = await newSpec();
    await p.deploy(spec, signal());
    expect(api.requests.filter((r) => r === "POST /api/v1/namespaces")).toHaveLength(1);
    await healthy(p, spec.deploymentId);
    // A second deploy finds it there.
    await p.deploy(await newSpec(), signal());
    expect(api.requests.filter((r) => r === "POST /api/v1/namespaces")).toHaveLength(1);

    const missing = (server: string) =>
      `namespace "preview" does not exist in ${server} and these credentials may not create it`;
    // Credentials that may read namespaces but not create them.
    const reader = await startKubeApiDouble({ namespaces: { access: "read" } });
    // Credentials bound to one namespace, which may not even read namespaces: theirs is used as it is.
    const scoped = await startKubeApiDouble({ namespaces: { initial: ["shop"], access: "none" } });
    try {
      const config = (double: KubeApiDouble, name: string, namespace: string) =>
        double.writeKubeconfig(join(dir, name), namespace);
      const inShop = await newSpec({ kubeconfig: await config(scoped, "scoped", "shop") });
      await p.deploy(inShop, signal());
      expect(scoped.objects("Deployment", "shop")).toHaveLength(1);
      await p.destroy(inShop.deploymentId);
      for (const [name, double] of Object.entries({ reader, scoped })) {
        const spec = await newSpec({ kubeconfig: await config(double, `${name}-preview`, "preview") });
        await expect(p.deploy(spec, signal())).rejects.toThrow(missing(double.url));
        expect(double.objects("Secret", "preview")).toEqual([]);
      }
    } finally {
      await reader.close();
      await scoped.close();
    }
  });

  it("an image the cluster cannot pull makes crashed instances naming it", async () => {
    await setup();
    const p = start();
    const spec = await newSpec({ image: "registry.invalid/acme/web:1" });
    await p.deploy(spec, signal());
    const crashed = await until("crashed pods", () => {
      const list = p.instances(spec.deploymentId);
      return list.length === 2 && list.every((i) => i.state === "crashed") && list;
    });
    expect(crashed[0]?.health).toBe("unhealthy");
    expect(crashed[0]?.lastHealthError).toContain(
      'ErrImagePull: failed to pull and unpack image "registry.invalid/acme/web:1"',
    );
  });
});
