import type { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";

/** One cluster namespace as a deployment's berth.hcl names it, with its typed API clients. */
export interface KubeTarget {
  /** kubeconfig path, context and namespace: deployments with the same key share a client and a pod watch. */
  key: string;
  kc: KubeConfig;
  apps: AppsV1Api;
  core: CoreV1Api;
  namespace: string;
  /** The API server URL (named in errors). */
  server: string;
}

/**
 * The cluster a deployment runs on: berth.hcl `kubeconfig` (a path), else $KUBECONFIG or ~/.kube/config, else the
 * pod's in-cluster service account (what `loadFromDefault` tries); `context` picks one of the file's contexts and
 * `namespace` overrides the context's (default "default"). The client loads on first use only, like dockerode.
 */
export async function kubeTarget(options: Record<string, string | number> | undefined): Promise<KubeTarget> {
  const k8s = await import("@kubernetes/client-node");
  const o = options ?? {};
  const path = typeof o.kubeconfig === "string" ? o.kubeconfig : "";
  const kc = new k8s.KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    throw new Error(`cannot read the kubeconfig ${path || "(default)"}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const context = typeof o.context === "string" ? o.context : "";
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context))
      throw new Error(
        `kubeconfig ${path || "(default)"} has no context "${context}"; it has: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(", ")}`,
      );
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${path || "(default)"} names no cluster for its current context`);
  const namespace =
    (typeof o.namespace === "string" && o.namespace) ||
    kc.getContextObject(kc.getCurrentContext())?.namespace ||
    "default";
  return {
    key: `${path}\n${kc.getCurrentContext()}\n${namespace}`,
    kc,
    apps: kc.makeApiClient(k8s.AppsV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
    namespace,
    server: cluster.server,
  };
}

/** The HTTP status of a failed API call (0 when the server did not answer). */
export function statusOf(err: unknown): number {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : 0;
}

/**
 * A failed API call as one readable error: the server's own Status message (which names the field at fault), or,
 * when nothing answered, the server URL. Never the request (it may hold the entrypoint token).
 */
export function kubeError(err: unknown, target: Pick<KubeTarget, "server">, what: string): Error {
  const code = statusOf(err);
  if (code === 0) {
    // node-fetch's system errors (ECONNREFUSED, ENOTFOUND, ...): nothing answered at that address.
    const system = (err as { type?: unknown }).type === "system";
    return new Error(
      system
        ? `the Kubernetes API at ${target.server} does not answer (${what}): ${(err as Error).message}`
        : `calling the Kubernetes API at ${target.server} failed (${what}): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const body = (err as { body?: unknown }).body;
  let message = "";
  try {
    const status = (typeof body === "string" ? JSON.parse(body) : body) as { message?: string } | undefined;
    message = status?.message ?? "";
  } catch {
    message = String(body ?? "");
  }
  return new Error(
    `the Kubernetes API at ${target.server} refused to ${what}: ${message || `HTTP ${code}`}`,
    {
      cause: err,
    },
  );
}
