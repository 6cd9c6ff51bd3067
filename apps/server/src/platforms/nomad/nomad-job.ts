import { memoryBytes } from "../docker/container-settings.js";
import type { DeploymentSpec } from "../platform.js";

/** The Nomad task drivers Berth can run an app with. */
export const nomadDrivers = ["raw_exec", "exec", "docker"] as const;
export type NomadDriver = (typeof nomadDrivers)[number];

/** The Nomad job id of a deployment: `<project>-<app>-v<seq>` (one service job per Berth deployment). */
export function nomadJobId(spec: Pick<DeploymentSpec, "project" | "app" | "seq">): string {
  return `${spec.project}-${spec.app}-v${spec.seq}`;
}

/** The Nomad Variable holding a job's entrypoint tokens: `nomad/jobs/<id>` is readable by that job's tasks only. */
export function tokenVariablePath(jobId: string): string {
  return `nomad/jobs/${jobId}`;
}

/** Where the job's files come from: the unpacked app and the entrypoint, on the Nomad client's filesystem. */
export interface NomadJobFiles {
  appDir: string;
  /** The node binary that runs the entrypoint (raw_exec, exec). */
  node: string;
  /** The entrypoint script (raw_exec, exec) ... */
  entrypoint: string;
  /** ... and the directory of its bundle, mounted at /berth for the docker driver. */
  entrypointDir: string;
}

/** `${NAME}`: a variable Nomad interpolates in the task's env. */
export function nomadVar(name: string): string {
  return `\${${name}}`;
}

/** Single-quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function driverConfig(
  spec: DeploymentSpec,
  driver: NomadDriver,
  files: NomadJobFiles,
): Record<string, unknown> {
  if (driver === "docker") {
    const image = String(spec.options?.image ?? "");
    if (!image)
      throw new Error('nomad driver "docker" needs an "image" (one with node and sh, like "node:20-slim")');
    return {
      image,
      command: "node",
      args: ["/berth/berth-entrypoint.js", "--", "sh", "-c", spec.command],
      work_dir: "/app",
      network_mode: "host",
      ports: ["http"],
      volumes: [`${files.appDir}:/app`, `${files.entrypointDir}:/berth:ro`],
    };
  }
  // raw_exec and exec start in the task directory: the app runs from its unpacked tree.
  const run = [files.node, files.entrypoint, "--", "sh", "-c", spec.command].map(shellQuote).join(" ");
  return { command: "/bin/sh", args: ["-c", `cd ${shellQuote(files.appDir)} && exec ${run}`] };
}

/**
 * The job a deployment registers (PUT /v1/jobs, the API's JSON job shape): one service job, `count` allocations
 * of one group and task, a dynamic port "http" the app gets as PORT, the Meta Berth adopts and sweeps jobs by,
 * Berth's health check as a Nomad service check (deployment health), and the entrypoint token rendered from the
 * job's Nomad Variable by a template instead of sitting in the job spec. `env` may use Nomad's
 * `${NOMAD_ALLOC_INDEX}` (each allocation's slot).
 */
export function nomadJob(spec: DeploymentSpec, env: Record<string, string>, files: NomadJobFiles) {
  const o = spec.options ?? {};
  const id = nomadJobId(spec);
  const driver = String(o.driver ?? "raw_exec") as NomadDriver;
  if (!nomadDrivers.includes(driver))
    throw new Error(`nomad "driver" must be one of ${nomadDrivers.join(", ")}, got "${driver}"`);
  const datacenters = String(o.datacenters ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  const memory = memoryBytes(o.memory);
  const cpus = typeof o.cpus === "number" ? o.cpus : undefined;
  const canary = typeof o.canary === "number" ? o.canary : 0;
  const maxParallel = spec.maxParallel ?? 1;
  const { path, intervalMs, timeoutMs } = spec.health;
  const ns = (ms: number) => ms * 1_000_000;
  return {
    ID: id,
    Name: id,
    Type: "service",
    ...(datacenters.length > 0 && { Datacenters: datacenters }),
    Meta: {
      managed_by: "berth",
      berth_project: spec.project,
      berth_app: spec.app,
      berth_deployment_id: spec.deploymentId,
    },
    TaskGroups: [
      {
        Name: "app",
        Count: spec.count,
        Networks: [{ DynamicPorts: [{ Label: "http" }] }],
        Update: { MaxParallel: maxParallel, Canary: canary, AutoPromote: canary > 0, HealthCheck: "checks" },
        Services: [
          {
            Name: id,
            PortLabel: "http",
            Provider: "nomad",
            Checks: [
              {
                Name: "berth-health",
                Type: path ? "http" : "tcp",
                ...(path && { Path: path }),
                Interval: ns(intervalMs),
                Timeout: ns(timeoutMs),
              },
            ],
          },
        ],
        Tasks: [
          {
            Name: "app",
            Driver: driver,
            Config: driverConfig(spec, driver, files),
            // Nomad's own interpolation, not ours: each allocation gets its dynamic port.
            Env: { ...env, PORT: nomadVar("NOMAD_PORT_http") },
            Templates: [
              {
                // Each allocation reads its own slot's token; Nomad renders it into the task's env, not the job.
                EmbeddedTmpl: `{{ with nomadVar "${tokenVariablePath(id)}" }}BERTH_ENTRYPOINT_TOKEN={{ index . (printf "token_%s" (env "NOMAD_ALLOC_INDEX")) }}{{ end }}\n`,
                DestPath: "secrets/berth.env",
                Envvars: true,
                ChangeMode: "noop",
              },
            ],
            Resources: {
              ...(cpus !== undefined && { CPU: Math.max(1, Math.round(cpus * 1000)) }),
              ...(memory !== undefined && { MemoryMB: Math.max(1, Math.ceil(memory / 1024 ** 2)) }),
            },
          },
        ],
      },
    ],
  };
}

export type NomadJob = ReturnType<typeof nomadJob>;
