import type { ContainerCreateOptions } from "dockerode";
import type { DeploymentSpec, InstanceView } from "../platform.js";

const labelPrefix = "berth.";

/** A Berth label of a container (`berth.deployment`, `berth.instance`, ...); "" when absent. */
export function labelOf(labels: Record<string, string> | undefined, name: string): string {
  return labels?.[labelPrefix + name] ?? "";
}

const units: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** berth.hcl `memory = "256m"` in bytes (the CLI checked its form; a number is bytes). */
export function memoryBytes(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  const m = /^([1-9][0-9]*)([kmg]?)$/i.exec(value);
  if (!m) throw new Error(`memory must be a size like "256m" or "1g", got "${value}"`);
  return Number(m[1]) * (units[(m[2] ?? "").toLowerCase()] ?? 1);
}

/**
 * How one instance's container is created: named and labelled after its deployment and slot, the host's
 * network only (the router reaches it on 127.0.0.1:PORT; no bridge network is ever made), restarted by
 * Docker unless stopped, and limited as berth.hcl says.
 */
export function containerSettings(
  spec: DeploymentSpec,
  view: InstanceView,
  image: string,
  env: Record<string, string>,
): ContainerCreateOptions & { name: string } {
  const o = spec.options ?? {};
  const serverAddr = typeof o.server_addr === "string" && o.server_addr ? o.server_addr : undefined;
  const memory = memoryBytes(o.memory);
  const cpus = typeof o.cpus === "number" ? o.cpus : undefined;
  return {
    name: `berth-${spec.project}-${spec.app}-v${spec.seq}-${view.idx}`,
    Image: image,
    Cmd: ["sh", "-c", spec.command],
    // server_addr: where the entrypoint dials the server from inside the container (host networking: the
    // server's own API URL works; another network needs an address that reaches it).
    // The entrypoint also echoes the app's output to the container's own: the engine's log is the fallback
    // when no entrypoint is connected (Waypoint's order: entrypoint first, platform second).
    Env: Object.entries({
      ...env,
      ...(serverAddr && { BERTH_SERVER_ADDR: serverAddr }),
      BERTH_ENTRYPOINT_ECHO: "1",
    }).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [`${labelPrefix}project`]: spec.project,
      [`${labelPrefix}app`]: spec.app,
      [`${labelPrefix}deployment`]: spec.deploymentId,
      [`${labelPrefix}instance`]: view.id,
      [`${labelPrefix}idx`]: String(view.idx),
      [`${labelPrefix}port`]: String(view.port),
    },
    HostConfig: {
      NetworkMode: "host",
      RestartPolicy: { Name: "unless-stopped" },
      ...(memory !== undefined && { Memory: memory }),
      ...(cpus !== undefined && { NanoCpus: Math.round(cpus * 1e9) }),
    },
  };
}
