import type { DeploymentSpec, HealthCheckSpec } from "../platforms/platform.js";
import { platformNames } from "../platforms/platform-registry.js";
import type { DeploymentTable } from "../store/schema.js";

/** What is stored in deployments.spec_json: enough to start the deployment again after a restart. */
export interface StoredSpec {
  command: string;
  count: number;
  /** How many instances a config rollout replaces at once (berth.hcl `max_parallel`; default 1). */
  maxParallel?: number;
  health: HealthCheckSpec & { startTimeoutMs?: number };
  /** `config { env }` from berth.hcl; server config vars override it. */
  env: Record<string, string>;
  /** berth.hcl `deploy { use "<name>" }`; absent (deployments made before platforms): "process". */
  platform?: string;
  /** The platform's own attributes, as berth.hcl wrote them. */
  options?: Record<string, string | number>;
}

/** The app's deploy settings as the CLI sends them (AppConfig of berth.hcl, as JSON). */
export function specFromAppConfig(configJson: string): StoredSpec {
  let parsed: {
    deploy?: {
      use?: string;
      options?: Record<string, string | number>;
      command?: string;
      count?: number;
      maxParallel?: number;
      health?: Partial<StoredSpec["health"]>;
    };
    config?: { env?: Record<string, string> };
  };
  try {
    parsed = JSON.parse(configJson || "{}");
  } catch (err) {
    throw new Error("the app's config_json is not valid JSON", { cause: err });
  }
  const command = parsed.deploy?.command ?? "";
  if (!command)
    throw new Error(
      'the app has no deploy command: set deploy { use "process" { command = "..." } } in berth.hcl',
    );
  const platform = parsed.deploy?.use ?? "process";
  if (!platformNames.includes(platform))
    throw new Error(`unknown deploy platform "${platform}"; this server runs: ${platformNames.join(", ")}`);
  const h = parsed.deploy?.health ?? {};
  return {
    ...(platform !== "process" && { platform }),
    ...(parsed.deploy?.options && { options: parsed.deploy.options }),
    command,
    count: Math.max(1, Math.min(100, parsed.deploy?.count ?? 1)),
    ...(typeof parsed.deploy?.maxParallel === "number" && {
      maxParallel: Math.max(1, Math.min(100, Math.floor(parsed.deploy.maxParallel))),
    }),
    health: {
      path: h.path ?? "/",
      intervalMs: h.intervalMs ?? 1000,
      timeoutMs: h.timeoutMs ?? 2000,
      startTimeoutMs: h.startTimeoutMs ?? 30_000,
    },
    env: parsed.config?.env ?? {},
  };
}

export function parseStoredSpec(json: string): StoredSpec {
  return JSON.parse(json) as StoredSpec;
}

/** The platform's view of a stored deployment. */
export function platformSpec(
  row: DeploymentTable,
  names: { project: string; app: string },
  artifactPath: string,
): DeploymentSpec {
  const s = parseStoredSpec(row.spec_json);
  return {
    deploymentId: row.id,
    project: names.project,
    app: names.app,
    seq: row.seq,
    command: s.command,
    count: s.count,
    ...(s.maxParallel && { maxParallel: s.maxParallel }),
    health: { path: s.health.path, intervalMs: s.health.intervalMs, timeoutMs: s.health.timeoutMs },
    artifactPath,
    ...(s.platform && { platform: s.platform }),
    ...(s.options && { options: s.options }),
  };
}
