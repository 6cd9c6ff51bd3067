import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { overlayVars } from "./config-diff.js";
import { latestConfigRevision, scopeVarRows, storedVarOf } from "./config-store.js";

/** The environment an app's instances run with: project variables overlaid by app variables. */
export interface EffectiveConfig {
  env: Record<string, string>;
  /** The project's latest config revision (0 before any config was set). */
  revision: number;
}

/** The app's effective config now, secrets in clear (for instances only; never return it to API callers). */
export async function effectiveConfig(
  db: Kysely<Database>,
  project: string,
  app: string,
): Promise<EffectiveConfig> {
  const [projectVars, appVars, revision] = await Promise.all([
    scopeVarRows(db, project, ""),
    scopeVarRows(db, project, app),
    latestConfigRevision(db, project),
  ]);
  const merged = overlayVars(projectVars.map(storedVarOf), appVars.map(storedVarOf));
  return { env: Object.fromEntries([...merged.values()].map((v) => [v.name, v.value])), revision };
}
