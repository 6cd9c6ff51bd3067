import type { Kysely } from "kysely";
import { parsePreviewAppName, previewScopeName } from "../previews/preview-names.js";
import type { Database } from "../store/schema.js";
import { overlayVars } from "./config-diff.js";
import { latestConfigRevision, scopeVarRows, storedVarOf } from "./config-store.js";

/** The environment an app's instances run with: project variables overlaid by app variables. */
export interface EffectiveConfig {
  env: Record<string, string>;
  /** The project's latest config revision (0 before any config was set). */
  revision: number;
}

/**
 * The app's effective config now, secrets in clear (for instances only; never return it to API callers).
 * A preview app ("web--pr-7") layers, in order: the project's, its app's ("web"), the preview-only set
 * ("web--previews") and its own.
 */
export async function effectiveConfig(
  db: Kysely<Database>,
  project: string,
  app: string,
): Promise<EffectiveConfig> {
  const preview = parsePreviewAppName(app);
  const scopes = preview ? ["", preview.app, previewScopeName(preview.app), app] : ["", app];
  const [revision, ...layers] = await Promise.all([
    latestConfigRevision(db, project),
    ...scopes.map((s) => scopeVarRows(db, project, s)),
  ]);
  let merged = overlayVars([], []);
  for (const layer of layers) merged = overlayVars([...merged.values()], layer.map(storedVarOf));
  return { env: Object.fromEntries([...merged.values()].map((v) => [v.name, v.value])), revision };
}
