import { existsSync } from "node:fs";
import { join } from "node:path";
import { configFileNames, loadBerthConfig } from "../config/parse-berth-config.js";

/** What berth.hcl in a directory says about where commands should act. */
export interface ProjectFileDefaults {
  project: string;
  /** Set only when the file declares exactly one app. */
  app?: string;
  /** The app names it declares. */
  apps: string[];
}

/** The project (and sole app) declared by berth.hcl/berth.json in `dir`; undefined when there is no such file. */
export async function projectFileDefaults(dir: string): Promise<ProjectFileDefaults | undefined> {
  if (!configFileNames.some((name) => existsSync(join(dir, name)))) return undefined;
  // Names are never templated, so git refs do not matter here.
  const { config } = await loadBerthConfig(dir, { sha: "", tag: "", dirty: false });
  const apps = config.apps.map((a) => a.name);
  return { project: config.project, app: apps.length === 1 ? apps[0] : undefined, apps };
}
