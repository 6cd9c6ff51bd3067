import type { DeploymentRoute, RouteEndpoint, RouteTable } from "@berth/proto";
import type { HostTarget } from "./parse-host.js";
import { createRoundRobin, pickWeighted } from "./pick-target.js";

/** Where a request may go, in the order to try (a refused connection moves on to the next), or why not. */
export type Resolution =
  | {
      ok: true;
      deploymentId: string;
      candidates: RouteEndpoint[];
      label: string;
      /** The app's traffic is split: the client should keep this deployment (the sticky version cookie). */
      sticky?: boolean;
    }
  | { ok: false; status: 404 | 503; message: string };

/** Tells whether an endpoint may take new requests now (the router's own view: refused connections). */
export type EndpointUsable = (endpoint: RouteEndpoint) => boolean;

/** A route table indexed for lookups by host. */
export interface RouteIndex {
  readonly table: RouteTable;
  /**
   * Where a request for `target` goes. `pinned` is the deployment a client was sent to before (its sticky
   * cookie): it keeps that one while it still takes a share of the app's traffic and can serve.
   */
  resolve(target: HostTarget, usable: EndpointUsable, pinned?: string): Resolution;
  /** Every endpoint in the table (for health re-checks). */
  endpoints(): RouteEndpoint[];
}

const key = (project: string, app: string) => `${project}/${app}`;

/**
 * Indexes a table once per change, so a request costs two map lookups. Candidates are the deployment's
 * healthy endpoints in round-robin order, those the router saw refusing connections last.
 */
export function indexRouteTable(table: RouteTable, random: () => number = Math.random): RouteIndex {
  const byId = new Map<string, DeploymentRoute>();
  const bySeq = new Map<string, DeploymentRoute>();
  for (const d of table.deployments) {
    byId.set(d.id, d);
    bySeq.set(`${key(d.project, d.app)}/${d.seq}`, d);
  }
  const apps = new Map(table.apps.map((a) => [key(a.project, a.app), a]));
  const roundRobin = createRoundRobin();

  function candidates(d: DeploymentRoute, name: string, usable: EndpointUsable): Resolution {
    const healthy = d.endpoints.filter((e) => e.healthy);
    if (healthy.length === 0) {
      const states = d.endpoints.length === 0 ? "none running" : `${d.endpoints.length} not healthy`;
      return { ok: false, status: 503, message: `${name} v${d.seq} has no healthy instance (${states})` };
    }
    const first = roundRobin(d.id, healthy);
    const start = first ? healthy.indexOf(first) : 0;
    const ordered = [...healthy.slice(start), ...healthy.slice(0, start)];
    // Endpoints that refused a connection go last, not away: when all of them did, trying beats a 503.
    const ranked = [...ordered.filter(usable), ...ordered.filter((e) => !usable(e))];
    return { ok: true, deploymentId: d.id, candidates: ranked, label: `${name} v${d.seq}` };
  }

  function resolve(target: HostTarget, usable: EndpointUsable, pinned?: string): Resolution {
    const name = `${target.app}.${target.project}`;
    if (target.kind === "deployment") {
      const d = bySeq.get(`${key(target.project, target.app)}/${target.seq}`);
      if (!d)
        return {
          ok: false,
          status: 404,
          message: `${name} has no running deployment v${target.seq}`,
        };
      return candidates(d, name, usable);
    }
    const app = apps.get(key(target.project, target.app));
    if (!app)
      return { ok: false, status: 404, message: `no app "${target.app}" in project "${target.project}"` };
    if (app.targets.length === 0)
      return { ok: false, status: 404, message: `${name} has not been released yet` };
    // Prefer a target that can serve: a canary without healthy instances must not fail its share.
    const serving = app.targets.filter((t) => byId.get(t.deploymentId)?.endpoints.some((e) => e.healthy));
    // A split release keeps each client on one version (no version skew mid-session).
    const split = app.targets.filter((t) => t.weight > 0).length > 1;
    const kept = split && pinned ? serving.find((t) => t.deploymentId === pinned && t.weight > 0) : undefined;
    const picked =
      kept ??
      pickWeighted(
        (serving.length > 0 ? serving : app.targets).map((t) => ({
          deploymentId: t.deploymentId,
          weight: t.weight,
        })),
        random(),
      );
    const d = picked && byId.get(picked.deploymentId);
    if (!d) return { ok: false, status: 503, message: `${name}: the released deployment is not running` };
    const resolution = candidates(d, name, usable);
    return resolution.ok && split ? { ...resolution, sticky: true } : resolution;
  }

  return {
    table,
    resolve,
    endpoints: () => table.deployments.flatMap((d) => d.endpoints),
  };
}
