import type { Kysely } from "kysely";
import type { ConfigVarTable, Database } from "../store/schema.js";
import { scopeVarRows } from "./config-store.js";

/**
 * The variables to show for a scope: the project's own, or (with an app) the app's effective config — project
 * variables overlaid by the app's — sorted by name.
 */
export async function listConfigVarRows(
  db: Kysely<Database>,
  project: string,
  app: string,
): Promise<ConfigVarTable[]> {
  const projectRows = await scopeVarRows(db, project, "");
  if (app === "") return projectRows;
  const merged = new Map(projectRows.map((r) => [r.name, r]));
  for (const r of await scopeVarRows(db, project, app)) merged.set(r.name, r);
  return [...merged.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
