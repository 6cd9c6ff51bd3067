import type SqliteDatabase from "better-sqlite3";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import type { InstanceView } from "../platforms/platform.js";
import type { HostTarget } from "./parse-host.js";
import { createRoundRobin, pickWeighted } from "./pick-target.js";

/** Where to send a request, or the page to answer with instead. */
export type Route =
  | { ok: true; port: number; deploymentId: string }
  | { ok: false; status: 404 | 503; message: string };

export interface RouteTableOptions {
  sqlite: SqliteDatabase.Database;
  /** Live instances of a deployment (the platform's view). */
  instances: (deploymentId: string) => InstanceView[];
  random?: () => number;
}

const cacheTtlMs = 2000;

interface DeploymentRow {
  id: string;
  seq: number;
  status: string;
}

/** Host → instance resolution, with a cache the owner clears whenever releases or deployments change. */
export interface RouteTable {
  route(target: HostTarget): Route;
  /** Drops cached lookups; call it on every release, deployment or application change. */
  invalidate(): void;
}

/**
 * Resolves hosts to instance ports. Lookups are synchronous prepared statements, cached until the next
 * invalidate(): the engine calls it from the event bus, whose subscribers run in the same microtask
 * checkpoint as the publish, so a release is visible to the very next request.
 */
export function createRouteTable(options: RouteTableOptions): RouteTable {
  const { sqlite } = options;
  const random = options.random ?? Math.random;
  const bySeq = sqlite.prepare<[string, string, number], DeploymentRow>(
    `SELECT d.id, d.seq, d.status FROM deployments d JOIN applications a ON a.id = d.app_id
     WHERE a.project = ? AND a.name = ? AND d.seq = ?`,
  );
  const currentRelease = sqlite.prepare<[string, string], { targets_json: string | null; found: number }>(
    `SELECT r.targets_json, 1 AS found FROM applications a LEFT JOIN releases r ON r.id = a.current_release_id
     WHERE a.project = ? AND a.name = ?`,
  );
  const byId = sqlite.prepare<[string], DeploymentRow>(
    "SELECT id, seq, status FROM deployments WHERE id = ?",
  );
  const roundRobin = createRoundRobin();
  // Entries also expire after a moment, so a change that reached the store without an event heals itself.
  const cache = new Map<string, { at: number; value: unknown }>();
  function cached<T>(key: string, load: () => T): T {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < cacheTtlMs) return hit.value as T;
    const value = load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: now, value });
    return value;
  }

  function toInstance(d: DeploymentRow, name: string): Route {
    if (d.status === "destroyed")
      return { ok: false, status: 404, message: `${name} v${d.seq} was destroyed` };
    const all = options.instances(d.id);
    const healthy = all.filter((i) => i.state === "running" && i.health === "healthy");
    const picked = roundRobin(d.id, healthy);
    if (!picked) {
      const states = all.map((i) => `${i.state}/${i.health}`).join(", ") || "none running";
      return { ok: false, status: 503, message: `${name} v${d.seq} has no healthy instance (${states})` };
    }
    return { ok: true, port: picked.port, deploymentId: d.id };
  }

  function route(target: HostTarget): Route {
    const name = `${target.app}.${target.project}`;
    if (target.kind === "deployment") {
      const d = cached(`s:${target.project}/${target.app}/${target.seq}`, () =>
        bySeq.get(target.project, target.app, target.seq),
      );
      if (!d) return { ok: false, status: 404, message: `${name} has no deployment v${target.seq}` };
      return toInstance(d, name);
    }
    const rel = cached(`r:${target.project}/${target.app}`, () => {
      const row = currentRelease.get(target.project, target.app);
      return row && { targets: row.targets_json ? parseReleaseTargets(row.targets_json) : undefined };
    });
    if (!rel)
      return { ok: false, status: 404, message: `no app "${target.app}" in project "${target.project}"` };
    const targets = rel.targets;
    if (!targets) return { ok: false, status: 404, message: `${name} has not been released yet` };
    // Prefer a target that can serve: a canary without healthy instances must not fail its share.
    const serving = targets.filter((t) => {
      const d = deploymentById(t.deploymentId);
      return d && d.status !== "destroyed" && options.instances(d.id).some((i) => i.health === "healthy");
    });
    const picked = pickWeighted(serving.length > 0 ? serving : targets, random());
    const d = picked && deploymentById(picked.deploymentId);
    if (!d) return { ok: false, status: 503, message: `${name}: the released deployment is missing` };
    return toInstance(d, name);
  }

  function deploymentById(id: string): DeploymentRow | undefined {
    return cached(`d:${id}`, () => byId.get(id));
  }

  return { route, invalidate: () => cache.clear() };
}
