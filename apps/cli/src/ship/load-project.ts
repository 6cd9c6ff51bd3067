import { ConfigError } from "../config/config-error.js";
import type { AppConfig, BerthConfig } from "../config/config-types.js";
import { loadBerthConfig } from "../config/parse-berth-config.js";
import { type GitProvenance, readGitInfo } from "../git/read-git-info.js";

export interface LoadedProject {
  dir: string;
  file: string;
  config: BerthConfig;
  git: GitProvenance;
}

/** Reads berth.hcl in dir with the working tree's git refs (for gitrefpretty()/gitrefhash()). */
export async function loadProject(dir: string): Promise<LoadedProject> {
  const git = await readGitInfo(dir);
  const { file, config } = await loadBerthConfig(dir, git);
  return { dir, file, config, git };
}

/** The apps a command acts on: the one named, else all of them. */
export function selectApps(config: BerthConfig, name?: string): AppConfig[] {
  if (!name) return config.apps;
  const app = config.apps.find((a) => a.name === name);
  if (!app)
    throw new ConfigError("berth.hcl", [
      `no app "${name}" in berth.hcl; declared: ${config.apps.map((a) => a.name).join(", ")}`,
    ]);
  return [app];
}
