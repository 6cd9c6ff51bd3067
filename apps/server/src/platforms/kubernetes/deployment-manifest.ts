import type { V1Deployment, V1EnvVar, V1Probe, V1Secret } from "@kubernetes/client-node";
import type { DeploymentSpec } from "../platform.js";

/** The label prefix of everything Berth creates in a cluster. */
export const labelPrefix = "berth.dev/";
/** Selects what Berth manages in a namespace (the pod watch, the orphan sweep). */
export const managedSelector = `${labelPrefix}managed-by=berth`;

/** The container port when berth.hcl names none (the app listens on $PORT). */
export const defaultPort = 8080;
/** The container of Berth's pods (named in logs and exec calls). */
export const containerName = "app";

// The reference grammar of distribution/reference, enough to catch a typo before the cluster pulls in a loop.
const imagePattern =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * berth.hcl `memory` ("256m", "1g"; the CLI checked the form) as a Kubernetes quantity ("256Mi", "1Gi"): the same
 * binary units the docker platform uses. A number is bytes.
 */
export function memoryQuantity(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return String(value);
  const m = /^([1-9][0-9]*)([kmg]?)$/i.exec(value);
  if (!m) throw new Error(`memory must be a size like "256m" or "1g", got "${value}"`);
  const unit = (m[2] ?? "").toLowerCase();
  return `${m[1]}${unit === "" ? "" : `${unit.toUpperCase()}i`}`;
}

/** The names of a deployment's cluster objects. */
export function objectNames(spec: Pick<DeploymentSpec, "project" | "app" | "seq">): {
  deployment: string;
  secret: string;
} {
  // The project is part of the name: two projects' "web" apps may share a namespace.
  const deployment = `${spec.project}-${spec.app}-v${spec.seq}`;
  return { deployment, secret: `${deployment}-berth` };
}

/** The labels of a deployment's objects and pods. */
export function labelsOf(spec: DeploymentSpec): Record<string, string> {
  return {
    [`${labelPrefix}project`]: spec.project,
    [`${labelPrefix}app`]: spec.app,
    [`${labelPrefix}deployment-id`]: spec.deploymentId,
    [`${labelPrefix}managed-by`]: "berth",
  };
}

/** The container port of a deployment (berth.hcl `port`). */
export function portOf(spec: DeploymentSpec): number {
  const p = spec.options?.port;
  return typeof p === "number" && Number.isInteger(p) && p > 0 && p < 65536 ? p : defaultPort;
}

/** Checks berth.hcl `image` before anything is created: missing or malformed names fail naming the value. */
export function imageOf(spec: DeploymentSpec): string {
  const image = spec.options?.image;
  if (typeof image !== "string" || image === "")
    throw new Error(
      'deploy "kubernetes" needs an "image" (the image the pods run, like "ghcr.io/acme/web:1.2")',
    );
  if (image.length > 255 || !imagePattern.test(image))
    throw new Error(
      `deploy "kubernetes": "${image}" is not a valid image reference (like "ghcr.io/acme/web:1.2")`,
    );
  return image;
}

/** The per-deployment Secret holding the entrypoint token (the pods read it through secretKeyRef). */
export function secretManifest(spec: DeploymentSpec, token: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: objectNames(spec).secret, labels: labelsOf(spec) },
    type: "Opaque",
    stringData: { token },
  };
}

function probe(spec: DeploymentSpec, port: number, liveness: boolean): V1Probe {
  const { path, intervalMs, timeoutMs } = spec.health;
  const periodSeconds = Math.max(1, Math.ceil(intervalMs / 1000));
  return {
    ...(path ? { httpGet: { path, port } } : { tcpSocket: { port } }),
    timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
    // Liveness restarts the container: slower and more forgiving than readiness, which only takes it out of Ready.
    periodSeconds: liveness ? Math.max(10, periodSeconds) : periodSeconds,
    failureThreshold: liveness ? 6 : 3,
    ...(liveness && { initialDelaySeconds: 10 }),
  };
}

/**
 * One apps/v1 Deployment per Berth deployment: `count` replicas of berth.hcl's `image`, selected by the deployment
 * id. The command runs as `args` (`sh -c <command>`), so an image whose ENTRYPOINT is Berth's entrypoint (the
 * docker platform builds such images) keeps wrapping the app. The token comes from the Secret, never as plain env;
 * each pod's BERTH_INSTANCE_ID is its own name (the downward API), as the instance ids Berth uses are pod names.
 */
export function deploymentManifest(spec: DeploymentSpec, env: Record<string, string>): V1Deployment {
  const o = spec.options ?? {};
  const port = portOf(spec);
  const names = objectNames(spec);
  const labels = labelsOf(spec);
  const memory = memoryQuantity(o.memory);
  const cpus = typeof o.cpus === "number" ? o.cpus : undefined;
  const limits: Record<string, string> = {
    ...(memory !== undefined && { memory }),
    ...(cpus !== undefined && { cpu: `${Math.max(1, Math.round(cpus * 1000))}m` }),
  };
  const plain: Record<string, string> = { ...env, PORT: String(port) };
  delete plain.BERTH_INSTANCE_ID;
  delete plain.BERTH_ENTRYPOINT_TOKEN;
  if (typeof o.server_addr === "string" && o.server_addr) plain.BERTH_SERVER_ADDR = o.server_addr;
  const envVars: V1EnvVar[] = [
    ...Object.entries(plain).map(([name, value]) => ({ name, value })),
    { name: "BERTH_INSTANCE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "BERTH_ENTRYPOINT_TOKEN", valueFrom: { secretKeyRef: { name: names.secret, key: "token" } } },
  ];
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: names.deployment, labels },
    spec: {
      replicas: spec.count,
      selector: { matchLabels: { [`${labelPrefix}deployment-id`]: spec.deploymentId } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: containerName,
              image: imageOf(spec),
              args: ["sh", "-c", spec.command],
              ports: [{ name: "http", containerPort: port }],
              env: envVars,
              readinessProbe: probe(spec, port, false),
              livenessProbe: probe(spec, port, true),
              ...(Object.keys(limits).length > 0 && { resources: { limits, requests: limits } }),
            },
          ],
        },
      },
    },
  };
}
