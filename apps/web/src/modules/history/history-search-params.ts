import { DeploymentStatus } from "@berth/proto";

/** What the history search box and status filter hold, as kept in the URL (?q=…&status=…). */
export interface HistorySearch {
  q: string;
  statuses: DeploymentStatus[];
}

/** The HistoryFilter fields a query string maps to. */
export interface HistoryFilterInit {
  shaPrefix?: string;
  branch?: string;
  text?: string;
}

const statusNames: Record<string, DeploymentStatus> = {
  deploying: DeploymentStatus.DEPLOYING,
  healthy: DeploymentStatus.HEALTHY,
  unhealthy: DeploymentStatus.UNHEALTHY,
  failed: DeploymentStatus.FAILED,
  destroyed: DeploymentStatus.DESTROYED,
};

/** The status words the filter offers, in display order. */
export const statusOptions = Object.keys(statusNames);

/** Reads ?q= and ?status=healthy,failed from the URL; unknown statuses are ignored. */
export function parseHistorySearch(params: URLSearchParams): HistorySearch {
  const q = params.get("q")?.trim() ?? "";
  const statuses = (params.get("status") ?? "")
    .split(",")
    .map((s) => statusNames[s.trim().toLowerCase()])
    .filter((s): s is DeploymentStatus => s !== undefined);
  return { q, statuses };
}

/** Writes the search back into the URL, keeping unrelated params and dropping empty ones. */
export function writeHistorySearch(params: URLSearchParams, search: Partial<HistorySearch>): URLSearchParams {
  const next = new URLSearchParams(params);
  if (search.q !== undefined) {
    if (search.q.trim()) next.set("q", search.q.trim());
    else next.delete("q");
  }
  if (search.statuses !== undefined) {
    const words = search.statuses.map((s) => Object.keys(statusNames).find((k) => statusNames[k] === s)!);
    if (words.length) next.set("status", words.join(","));
    else next.delete("status");
  }
  return next;
}

/**
 * Turns the one search box into a server filter: 4–40 hex characters are a SHA prefix, "branch:x" a branch,
 * anything else commit-message text.
 */
export function toHistoryFilter(q: string): HistoryFilterInit | undefined {
  const query = q.trim();
  if (!query) return undefined;
  if (/^[0-9a-f]{4,40}$/i.test(query)) return { shaPrefix: query.toLowerCase() };
  const branch = /^branch:(.+)$/i.exec(query);
  if (branch) return { branch: branch[1]!.trim() };
  return { text: query.slice(0, 200) };
}
