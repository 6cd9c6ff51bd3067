// The kubernetes platform through the real `berth` binary and a real server, against a DOUBLE of the Kubernetes
// API (apps/server/test/helpers/kube-double): no cluster runs where these tests run. The double's kubelet runs each
// pod as an HTTP server on its own 127.0.0.N address, so the server's real router serves the app from the pod IPs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeApiDouble, startKubeApiDouble } from "../../server/test/helpers/kube-double/api-double.js";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { commitAll, gitIn } from "./helpers/git-repo.js";
import { httpGet } from "./helpers/http-get.js";
import { helloNodeExample, runBerth } from "./helpers/run-berth.js";
import { freePort } from "./helpers/server-process.js";
import { until as pollUntil } from "./helpers/until.js";

const until = <T>(what: string, fn: () => Promise<T | undefined | false>) => pollUntil(what, fn, 30_000, 50);
const ns = "apps";

describe("kubernetes platform through berth up (against an API double)", { timeout: 120_000 }, () => {
  const configDir = mkdtempSync(join(tmpdir(), "berth-k8s-config-"));
  const repo = mkdtempSync(join(tmpdir(), "berth-k8s-repo-"));
  let api: KubeApiDouble;
  let server: TestServer;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd: repo,
      env: {
        ...process.env,
        BERTH_CONFIG_DIR: configDir,
        BERTH_CACHE_DIR: join(configDir, "cache"),
        NO_COLOR: "1",
      },
      timeout: 60_000,
    });
  /** The pod that answered GET / at the app URL through the server's router ("" while none does). */
  const servedBy = async () => {
    const res = await httpGet(server.routerPort, "hello-node.examples.localhost").catch(() => undefined);
    return res?.status === 200 ? (/^pod=(\S+)/.exec(res.body)?.[1] ?? "") : "";
  };
  const deploymentNames = () =>
    api
      .objects("Deployment", ns)
      .map((d) => d.metadata.name as string)
      .sort();

  beforeAll(async () => {
    api = await startKubeApiDouble();
    const kubeconfig = await api.writeKubeconfig(join(configDir, "kubeconfig"), ns);
    cpSync(helloNodeExample, repo, { recursive: true });
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8").replace(
      'use "process" {',
      `use "kubernetes" {\n      image = "ghcr.io/acme/hello-node:1"\n      kubeconfig = "${kubeconfig}"\n      port = ${await freePort()}\n      service = "hello"`,
    );
    expect(hcl).toContain('use "kubernetes"');
    writeFileSync(join(repo, "berth.hcl"), hcl);
    gitIn(repo, "init", "-q", "-b", "main");
    commitAll(repo, "v1");
    server = await startTestServer({ builtinRunner: true, shutdownGraceMs: 500 });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code, login.stderr).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    await api?.close();
    for (const dir of [configDir, repo]) rmSync(dir, { recursive: true, force: true });
  });

  /** The app's Service (the Service-selector releaser), once it selects the pods of v`seq`. */
  const serviceSelects = (seq: number) =>
    until(`the Service to select v${seq}'s pods`, async () => {
      const [svc] = api.objects("Service", ns);
      const d = api.objects("Deployment", ns).find((x) => x.metadata.name === `examples-hello-node-v${seq}`);
      const id = d?.metadata.labels["berth.dev/deployment-id"];
      return !!id && svc?.spec.selector["berth.dev/deployment-id"] === id && svc;
    });

  it("up, a second up, rollback and destroy: the router serves the released deployment's pods", async () => {
    const up = await berth(["up", "-q"]);
    expect(up.code, up.stderr).toBe(0);
    expect(deploymentNames()).toEqual(["examples-hello-node-v1"]);
    expect(await until("v1 to serve at the app URL", servedBy)).toMatch(/^examples-hello-node-v1-/);
    // In-cluster traffic follows the release too: the app's Service selects the released deployment's pods.
    const svc = await serviceSelects(1);
    expect(svc.metadata.name).toBe("hello");

    writeFileSync(join(repo, "note.txt"), "v2\n");
    commitAll(repo, "v2");
    const up2 = await berth(["up", "-q"]);
    expect(up2.code, up2.stderr).toBe(0);
    expect(deploymentNames()).toEqual(["examples-hello-node-v1", "examples-hello-node-v2"]);
    expect(await servedBy()).toMatch(/^examples-hello-node-v2-/);
    await serviceSelects(2);

    const rollback = await berth(["rollback", "--reason", "v2 misbehaves"]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(await until("v1 to serve again", async () => (await servedBy()).includes("-v1-") && "ok")).toBe(
      "ok",
    );
    // Re-pointed, not made again: the same Service (its cluster IP) now selects v1.
    expect((await serviceSelects(1)).spec.clusterIP).toBe(svc.spec.clusterIP);

    const destroy = await berth(["destroy", "v2"]);
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(deploymentNames()).toEqual(["examples-hello-node-v1"]);
    expect(api.objects("Secret", ns).map((s) => s.metadata.name)).toEqual(["examples-hello-node-v1-berth"]);
    expect(
      api.objects("Pod", ns).every((p) => String(p.metadata.name).startsWith("examples-hello-node-v1-")),
    ).toBe(true);
    expect(await servedBy()).toMatch(/^examples-hello-node-v1-/);
    // Destroying a deployment leaves the app's Service alone.
    expect(api.objects("Service", ns)).toHaveLength(1);
  });

  it("berth.hcl naming an image that is not a valid reference fails the deploy naming it", async () => {
    const hcl = readFileSync(join(repo, "berth.hcl"), "utf8");
    writeFileSync(
      join(repo, "berth.hcl"),
      hcl.replace("ghcr.io/acme/hello-node:1", "ghcr.io/Acme/Hello Node:1"),
    );
    commitAll(repo, "bad image");
    const up = await berth(["up", "-q"]);
    expect(up.code).not.toBe(0);
    expect(up.stderr).toContain('"ghcr.io/Acme/Hello Node:1" is not a valid image reference');
    expect(deploymentNames()).toEqual(["examples-hello-node-v1"]);
  });
});
