import type { Application } from "@berth/proto";

/**
 * Whether an app matches the catalog's search: every word must appear in its name, project, description, owner, a
 * label (`key=value` or either part) or a link's name (case-insensitive).
 */
export function matchesApp(app: Application, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [
    app.name,
    app.project,
    app.description,
    app.owner,
    ...Object.entries(app.labels).map(([k, v]) => `${k}=${v}`),
    ...Object.keys(app.links),
  ]
    .join("\n")
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
}
