// What haproxy should serve for one route table, before any slot is assigned: one backend per live deployment
// (its `<app>--v<N>` host) and one per released app (its public host), each with the endpoints and weights.
import { isIP } from "node:net";
import type { RouteTable } from "@berth/proto";

/** One endpoint of a backend: `address` is `ip:port`, `weight` haproxy's 1..256. */
export interface DesiredServer {
  ip: string;
  port: number;
  weight: number;
}

export interface DesiredBackend {
  /** Stable identity across tables: `d:<deployment id>` or `a:<project>/<app>`. */
  key: string;
  /** What error pages call it: `web.shop v3` or `web.shop`. */
  label: string;
  host: string;
  /** By `ip:port`; only endpoints the server last found healthy. */
  servers: Map<string, DesiredServer>;
}

export interface DesiredRoutes {
  baseDomain: string;
  backends: DesiredBackend[];
  /** Public hosts of apps that have never been released (answered 404 with their name). */
  unreleased: { host: string; label: string }[];
}

/** haproxy's largest server weight. */
export const maxWeight = 256;

const dnsLabel = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const domain = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

function checkLabel(value: string, field: string): string {
  if (!dnsLabel.test(value)) throw new Error(`route table: ${field} "${value}" is not a lowercase DNS label`);
  return value;
}

function endpointsOf(d: RouteTable["deployments"][number]): DesiredServer[] {
  return d.endpoints
    .filter((e) => e.healthy)
    .map((e) => {
      // `set server … addr` takes an IP address; a name would need haproxy's resolvers.
      if (isIP(e.host) === 0)
        throw new Error(
          `route table: deployment ${d.id} instance ${e.instanceId}: host "${e.host}" is not an IP address`,
        );
      if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535)
        throw new Error(
          `route table: deployment ${d.id} instance ${e.instanceId}: port ${e.port} is out of range`,
        );
      return { ip: e.host, port: e.port, weight: 1 };
    });
}

/**
 * Per-endpoint weights of a released app: each deployment's share divided over its healthy endpoints, scaled so the
 * largest is 256 (haproxy's maximum). A deployment with no healthy endpoint drops out and the others take its share;
 * when every share is 0 they count as equal (as the Node router does).
 */
function releasedServers(
  app: RouteTable["apps"][number],
  deployments: Map<string, DesiredServer[]>,
): Map<string, DesiredServer> {
  const allZero = app.targets.every((t) => t.weight === 0);
  const parts = app.targets
    .map((t) => ({ share: allZero ? 1 : t.weight, endpoints: deployments.get(t.deploymentId) ?? [] }))
    .filter((p) => p.share > 0 && p.endpoints.length > 0);
  const raw = parts.map((p) => p.share / p.endpoints.length);
  const top = Math.max(...raw);
  const out = new Map<string, DesiredServer>();
  parts.forEach((p, i) => {
    const weight = Math.max(1, Math.round(((raw[i] ?? 0) * maxWeight) / top));
    for (const e of p.endpoints) {
      const key = `${e.ip}:${e.port}`;
      // Two released deployments never share an endpoint; if they did, the shares add up.
      const prev = out.get(key);
      out.set(key, { ...e, weight: Math.min(maxWeight, (prev?.weight ?? 0) + weight) });
    }
  });
  return out;
}

/** The backends and hosts a route table asks for; throws naming the field at fault on malformed input. */
export function desiredBackends(table: RouteTable): DesiredRoutes {
  const base = table.baseDomain.toLowerCase();
  if (!domain.test(base))
    throw new Error(`route table: base_domain "${table.baseDomain}" is not a domain name`);
  const endpoints = new Map<string, DesiredServer[]>();
  const backends: DesiredBackend[] = [];
  for (const d of table.deployments) {
    const app = checkLabel(d.app, `deployment ${d.id} app`);
    const project = checkLabel(d.project, `deployment ${d.id} project`);
    const servers = endpointsOf(d);
    endpoints.set(d.id, servers);
    backends.push({
      key: `d:${d.id}`,
      label: `${app}.${project} v${d.seq}`,
      host: `${app}--v${d.seq}.${project}.${base}`,
      servers: new Map(servers.map((s) => [`${s.ip}:${s.port}`, s])),
    });
  }
  const unreleased: DesiredRoutes["unreleased"] = [];
  for (const a of table.apps) {
    const app = checkLabel(a.app, "app");
    const project = checkLabel(a.project, `app ${a.app} project`);
    const host = `${app}.${project}.${base}`;
    const label = `${app}.${project}`;
    if (a.targets.length === 0) unreleased.push({ host, label });
    else backends.push({ key: `a:${project}/${app}`, label, host, servers: releasedServers(a, endpoints) });
  }
  return { baseDomain: base, backends, unreleased };
}
