import type { Kysely } from "kysely";
import type { AppUser } from "../sandbox/app-user.js";
import type { Database } from "../store/schema.js";
import { createDockerPlatform } from "./docker/docker-platform.js";
import { createKubernetesPlatform } from "./kubernetes/kubernetes-platform.js";
import { createNomadPlatform } from "./nomad/nomad-platform.js";
import type { DeploymentSpec, InstanceView, Platform } from "./platform.js";
import { createProcessPlatform } from "./process/process-platform.js";

/** What the server hands every platform it creates. */
export interface PlatformDeps {
  /** Where platforms keep per-deployment files (the process platform unpacks apps here). */
  dir: string;
  db: Kysely<Database>;
  /** Environment for an instance start: config vars and BERTH_* facts (PORT is added by the platform). */
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** The entrypoint token for an instance start; the app itself must never see it. */
  tokenFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  appUser: () => Promise<AppUser | undefined>;
  graceMs: number;
  onError: (err: unknown) => void;
}

/**
 * The deploy platforms this server knows, by their berth.hcl name (`deploy { use "<name>" { } }`).
 * Adding a platform is adding its folder under platforms/ and one line here (and its name in the CLI's
 * knownPlugins, which checks berth.hcl before it leaves the developer's machine).
 */
const registry = {
  process: (deps: PlatformDeps) => createProcessPlatform(deps),
  docker: (deps: PlatformDeps) => createDockerPlatform(deps),
  kubernetes: (deps: PlatformDeps) => createKubernetesPlatform(deps),
  nomad: (deps: PlatformDeps) => createNomadPlatform(deps),
} satisfies Record<string, (deps: PlatformDeps) => Platform>;

export const platformNames: readonly string[] = Object.keys(registry);

/** The platform named `name`; throws for a name this server does not know. */
export function createPlatform(name: string, deps: PlatformDeps): Platform {
  const make = (registry as Record<string, (deps: PlatformDeps) => Platform>)[name];
  if (!make)
    throw new Error(`unknown deploy platform "${name}"; this server runs: ${platformNames.join(", ")}`);
  return make(deps);
}
