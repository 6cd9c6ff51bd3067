// Which project/app a command acts on: its flags, else berth.hcl in the current directory, else an error naming the flag.
import { projectFileDefaults } from "./project-file-defaults.js";

export interface TargetFlags {
  project?: string;
  app?: string;
}

/** The project to act on. */
export async function resolveProject(flags: TargetFlags, cwd = process.cwd()): Promise<string> {
  if (flags.project) return flags.project;
  const defaults = await projectFileDefaults(cwd);
  if (defaults) return defaults.project;
  throw new Error("missing --project (no berth.hcl in the current directory to take it from)");
}

/** The project and app to act on. */
export async function resolveApp(
  flags: TargetFlags,
  cwd = process.cwd(),
): Promise<{ project: string; app: string }> {
  const defaults = flags.project && flags.app ? undefined : await projectFileDefaults(cwd);
  const project = flags.project || defaults?.project;
  if (!project) throw new Error("missing --project (no berth.hcl in the current directory to take it from)");
  const app = flags.app || defaults?.app;
  if (!app) {
    const hint =
      defaults && defaults.apps.length > 1
        ? `berth.hcl declares several apps (${defaults.apps.join(", ")}); pick one`
        : "no berth.hcl in the current directory to take it from";
    throw new Error(`missing --app (${hint})`);
  }
  return { project, app };
}

/** The project and, if one can be resolved, the app (for commands that work at either scope). */
export async function resolveOptionalApp(
  flags: TargetFlags,
  cwd = process.cwd(),
): Promise<{ project: string; app?: string }> {
  const defaults = flags.project && flags.app ? undefined : await projectFileDefaults(cwd);
  const project = flags.project || defaults?.project;
  if (!project) throw new Error("missing --project (no berth.hcl in the current directory to take it from)");
  return { project, app: flags.app || defaults?.app };
}
