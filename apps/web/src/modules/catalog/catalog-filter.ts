import type { CatalogEntry } from "@berth/proto";
import { type CatalogHealth, catalogHealth } from "./catalog-health.js";
import { matchesApp } from "./match-app.js";

/** The catalog's filters; empty strings mean "any". */
export interface CatalogFilter {
  query: string;
  owner: string;
  /** `key=value`. */
  label: string;
  health: CatalogHealth | "";
}

export const noCatalogFilter: CatalogFilter = { query: "", owner: "", label: "", health: "" };

/** The entries that pass every filter, in their order. */
export function filterCatalog(entries: readonly CatalogEntry[], filter: CatalogFilter): CatalogEntry[] {
  return entries.filter((e) => {
    const app = e.application;
    if (!app) return false;
    if (filter.owner && app.owner !== filter.owner) return false;
    if (filter.label) {
      const [key, value] = splitLabel(filter.label);
      if (app.labels[key] !== value) return false;
    }
    if (filter.health && catalogHealth(e) !== filter.health) return false;
    return matchesApp(app, filter.query);
  });
}

function splitLabel(label: string): [string, string] {
  const at = label.indexOf("=");
  return at < 0 ? [label, ""] : [label.slice(0, at), label.slice(at + 1)];
}

/** The choices of the owner and label filters: every owner and `key=value` label present, sorted. */
export function catalogChoices(entries: readonly CatalogEntry[]): { owners: string[]; labels: string[] } {
  const owners = new Set<string>();
  const labels = new Set<string>();
  for (const e of entries) {
    if (e.application?.owner) owners.add(e.application.owner);
    for (const [k, v] of Object.entries(e.application?.labels ?? {})) labels.add(`${k}=${v}`);
  }
  return { owners: [...owners].sort(), labels: [...labels].sort() };
}
