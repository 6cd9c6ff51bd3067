import type { V1Pod } from "@kubernetes/client-node";
import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { createInstanceWriter } from "../instance-writer.js";
import type { DeploymentSpec, InstanceView, Platform } from "../platform.js";
import { imageOf, labelPrefix, portOf } from "./deployment-manifest.js";
import { createObjects, deleteObjects, hasDeployment, replaceToken } from "./deployment-objects.js";
import { type KubeTarget, kubeTarget } from "./kube-client.js";
import { podExec } from "./pod-exec.js";
import { podLogs } from "./pod-logs.js";
import { podView } from "./pod-view.js";
import { type PodWatch, watchPods } from "./pod-watch.js";
import { pointService } from "./point-service.js";
import { sweepDeployments } from "./sweep-deployments.js";

export interface KubernetesPlatformOptions {
  db: Kysely<Database>;
  /** Environment of the pods: config vars and BERTH_* facts (PORT and the pod's own instance id are added). */
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** The deployment's entrypoint token (one per deployment: its pods share the Secret). */
  tokenFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  /** How long a deploy waits for the cluster to create the pods (not for them to be healthy). */
  podsTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

interface Cluster {
  target: KubeTarget;
  watch: PodWatch;
}

interface Running {
  spec: DeploymentSpec;
  cluster: Cluster;
  /** Its live pods by name. */
  pods: Map<string, InstanceView>;
}

/**
 * The `kubernetes` platform: one apps/v1 Deployment per Berth deployment (Waypoint's model), its pods the
 * instances. Berth's router reaches them at their pod IPs; health is their Ready condition, which the kubelet's
 * probes (from berth.hcl's health) decide; state and restarts come from a watch of the pods. Deployments outlive
 * the server: the next one finds them by label.
 */
export function createKubernetesPlatform(options: KubernetesPlatformOptions): Platform {
  const onError = options.onError ?? (() => {});
  const rows = createInstanceWriter(options.db, onError);
  const deployments = new Map<string, Running>();
  const clusters = new Map<string, Promise<Cluster>>();
  const listeners = new Set<(deploymentId: string) => void>();

  function notify(deploymentId: string): void {
    for (const l of listeners) l(deploymentId);
  }

  function onPod(pod: V1Pod, deleted: boolean): void {
    const run = deployments.get(pod.metadata?.labels?.[`${labelPrefix}deployment-id`] ?? "");
    const name = pod.metadata?.name;
    if (!run || !name) return;
    const prev = run.pods.get(name);
    const used = new Set([...run.pods.values()].map((v) => v.idx));
    let idx = 0;
    while (used.has(idx)) idx++;
    const view = podView(
      pod,
      { deploymentId: run.spec.deploymentId, idx: prev?.idx ?? idx, port: portOf(run.spec) },
      prev,
    );
    if (deleted || view.state === "stopped") {
      // A pod on its way out (replaced, scaled down, deleted) is no longer an instance.
      if (!prev) return;
      run.pods.delete(name);
      rows.write({ ...view, state: "stopped", health: "unknown" });
    } else {
      if (prev && JSON.stringify(prev) === JSON.stringify(view)) return;
      run.pods.set(name, view);
      rows.write(view);
    }
    notify(run.spec.deploymentId);
  }

  /** The cluster of a deployment, reached, swept and watched once per kubeconfig/context/namespace. */
  async function connect(spec: DeploymentSpec): Promise<Cluster> {
    const target = await kubeTarget(spec.options);
    let cluster = clusters.get(target.key);
    if (!cluster) {
      cluster = (async () => {
        // First contact: a clear error when nothing answers, and objects of finished deployments go.
        await sweepDeployments(target, options.db);
        return { target, watch: await watchPods(target, onPod, onError) };
      })();
      clusters.set(target.key, cluster);
      cluster.catch(() => clusters.delete(target.key));
    }
    return cluster;
  }

  /** Registers a deployment and takes the pods the watch already has. */
  function track(spec: DeploymentSpec, cluster: Cluster): Running {
    const run: Running = { spec, cluster, pods: new Map() };
    deployments.set(spec.deploymentId, run);
    for (const pod of cluster.watch.pods()) onPod(pod, false);
    return run;
  }

  /** Resolves once the cluster has made `count` pods of the deployment (they need not be ready). */
  function podsMade(run: Running, signal: AbortSignal): Promise<void> {
    const { spec } = run;
    const timeoutMs = options.podsTimeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `the cluster made ${run.pods.size} of ${spec.count} pods of deployment v${spec.seq} in ${timeoutMs / 1000}s (quota? node capacity?)`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (run.pods.size >= spec.count) {
          done();
          resolve();
        }
      };
      const aborted = () => {
        done();
        reject(signal.reason);
      };
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
        signal.removeEventListener("abort", aborted);
      };
      listeners.add(check);
      signal.addEventListener("abort", aborted, { once: true });
      check();
    });
  }

  async function start(spec: DeploymentSpec, cluster: Cluster): Promise<void> {
    // One env and token for all pods: BERTH_INSTANCE_ID comes from each pod's name instead.
    const template = newView(spec);
    const env = await options.envFor(spec, template);
    const token = await options.tokenFor(spec, template);
    await createObjects(cluster.target, spec, env, token);
  }

  function findPod(instanceId: string): { run: Running; view: InstanceView } | undefined {
    for (const run of deployments.values()) {
      const view = run.pods.get(instanceId);
      if (view) return { run, view };
    }
    return undefined;
  }

  return {
    name: "kubernetes",
    async deploy(spec, signal) {
      imageOf(spec);
      const cluster = await connect(spec);
      signal.throwIfAborted();
      const run = track(spec, cluster);
      try {
        await start(spec, cluster);
        await podsMade(run, signal);
      } catch (err) {
        // A deploy that failed half-way leaves nothing in the cluster (the deployment is recorded as failed).
        deployments.delete(spec.deploymentId);
        await deleteObjects(cluster.target, spec.deploymentId).catch(onError);
        throw err;
      }
    },
    async destroy(deploymentId) {
      const run = deployments.get(deploymentId);
      deployments.delete(deploymentId);
      // Not one of this server's live deployments: its objects may be in any cluster reached so far.
      const reached = (await Promise.allSettled(clusters.values())).flatMap((c) =>
        c.status === "fulfilled" ? [c.value] : [],
      );
      const targets = run ? [run.cluster] : reached;
      await Promise.all(targets.map((c) => deleteObjects(c.target, deploymentId)));
      await rows.flush();
      await options.db
        .updateTable("instances")
        .set({ state: "stopped", pid: 0 })
        .where("deployment_id", "=", deploymentId)
        .execute();
      notify(deploymentId);
    },
    instances(deploymentId) {
      const pods = [...(deployments.get(deploymentId)?.pods.values() ?? [])];
      return pods.sort((a, b) => a.idx - b.idx).map((v) => ({ ...v }));
    },
    liveDeployments: () => [...deployments.keys()],
    async resume(specs) {
      const counts = { adopted: 0, started: 0 };
      for (const spec of specs) {
        const cluster = await connect(spec);
        const run = track(spec, cluster);
        if (await hasDeployment(cluster.target, spec.deploymentId)) {
          counts.adopted += run.pods.size;
          continue;
        }
        // Deleted behind Berth's back (or never made): made again.
        await start(spec, cluster);
        counts.started += spec.count;
      }
      return counts;
    },
    setInstancePort(instanceId, port) {
      const found = findPod(instanceId);
      if (!found || port <= 0 || found.view.port === port) return false;
      found.view.port = port;
      rows.write(found.view);
      notify(found.run.spec.deploymentId);
      return true;
    },
    async released(deploymentId) {
      // berth.hcl `service = "<name>"`: in-cluster traffic follows the release too (Waypoint's releaser).
      const run = deployments.get(deploymentId);
      const service = run?.spec.options?.service;
      if (run && typeof service === "string" && service)
        await pointService(run.cluster.target, run.spec, service);
    },
    async tokenRenewed(deploymentId, _instanceId, secret) {
      // The pods share one Secret: the newest renewal of any of them is what a restarting container reads.
      const run = deployments.get(deploymentId);
      if (run) await replaceToken(run.cluster.target, run.spec, secret);
    },
    async close({ stopInstances = false } = {}) {
      const runs = [...deployments.values()];
      deployments.clear();
      // Deployments outlive the server unless told otherwise.
      if (stopInstances)
        await Promise.all(
          runs.map((r) => deleteObjects(r.cluster.target, r.spec.deploymentId).catch(onError)),
        );
      const all = await Promise.allSettled(clusters.values());
      clusters.clear();
      await Promise.all(all.map((c) => (c.status === "fulfilled" ? c.value.watch.stop() : undefined)));
      await rows.flush();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    nativeLogs(instanceId, logOptions) {
      const found = findPod(instanceId);
      if (!found) throw new Error(`no pod for instance ${instanceId}`);
      return podLogs(found.run.cluster.target, instanceId, logOptions);
    },
    async nativeExec(instanceId, request, signal) {
      const found = findPod(instanceId);
      if (!found) throw new Error(`no pod for instance ${instanceId}`);
      return podExec(found.run.cluster.target, instanceId, request, signal);
    },
  };
}

/** The view envFor/tokenFor get for the pod template (every pod of the deployment shares it). */
function newView(spec: DeploymentSpec): InstanceView {
  return {
    id: "",
    deploymentId: spec.deploymentId,
    idx: 0,
    state: "starting",
    health: "unknown",
    port: portOf(spec),
    pid: 0,
    restarts: 0,
    startedAt: null,
    lastHealthError: "",
    cwd: "",
    logFile: "",
  };
}
