// Turns "what haproxy serves now" + "what the new table asks for" into runtime API commands, ordered so that no
// request finds a host without a ready server: new slots come up, then the maps move hosts, then old slots go down.
import type { DesiredRoutes } from "./desired-backends.js";

/** Names of haproxy objects the config declares: backend `name(i)`, slot `<backend>/s<j>` (1-based). */
export interface SlotPool {
  backends: number;
  slotsPerBackend: number;
  backendName(i: number): string;
  hostsMap: string;
  namesMap: string;
  /** The backend answering hosts of never-released apps. */
  unreleasedBackend: string;
  /** Key in the names map holding the base domain (for the unknown-host page). */
  baseDomainKey: string;
}

interface SlotState {
  address: string;
  weight: number;
}

interface BackendState {
  name: string;
  /** Index j-1 holds slot s<j>; undefined while in maintenance. */
  slots: (SlotState | undefined)[];
}

/** What haproxy serves, as far as the commands we sent say. */
export interface DataPlaneState {
  byKey: Map<string, BackendState>;
  freeBackends: string[];
  /** hosts map: host → backend; names map: host (or the base domain key) → label. */
  hosts: Map<string, string>;
  names: Map<string, string>;
}

/** The state of a freshly started haproxy: every slot in maintenance, empty maps. */
export function emptyState(pool: SlotPool): DataPlaneState {
  return {
    byKey: new Map(),
    freeBackends: Array.from({ length: pool.backends }, (_, i) => pool.backendName(i)),
    hosts: new Map(),
    names: new Map(),
  };
}

/** A runtime API argument: the CLI splits on spaces unless escaped with a backslash ("web.shop v3"). */
const arg = (s: string): string => s.replace(/[\\ ]/g, (c) => `\\${c}`);

function mapCommands(file: string, from: Map<string, string>, to: Map<string, string>) {
  const upsert: string[] = [];
  const remove: string[] = [];
  for (const [k, v] of to)
    if (!from.has(k)) upsert.push(`add map ${file} ${arg(k)} ${arg(v)}`);
    else if (from.get(k) !== v) upsert.push(`set map ${file} ${arg(k)} ${arg(v)}`);
  for (const k of from.keys()) if (!to.has(k)) remove.push(`del map ${file} ${arg(k)}`);
  return { upsert, remove };
}

/**
 * Plans one apply. Throws, sending nothing, when the pool is too small: more backends than declared, or a backend
 * needing more slots than it has while old and new endpoints overlap (the bounded-slot choice, see
 * docs/data-plane.md).
 */
export function planApply(
  prev: DataPlaneState,
  desired: DesiredRoutes,
  pool: SlotPool,
): { commands: string[]; next: DataPlaneState } {
  const up: string[] = [];
  const down: string[] = [];
  const free = [...prev.freeBackends];
  const byKey = new Map<string, BackendState>();
  const wanted = new Set(desired.backends.map((b) => b.key));
  const needed = desired.backends.filter((b) => !prev.byKey.has(b.key)).length;
  // Backends of deployments that leave are freed only after the maps moved, so old and new count together here.
  if (needed > free.length)
    throw new Error(
      `haproxy data plane: the route table needs ${needed} new backends while ${prev.byKey.size} are in use; ` +
        `${pool.backends} are declared (option backends)`,
    );
  for (const b of desired.backends) {
    const old = prev.byKey.get(b.key);
    const name = old?.name ?? free.shift()!;
    const slots = [...(old?.slots ?? Array.from({ length: pool.slotsPerBackend }, () => undefined))];
    const inUse = new Set<string>();
    slots.forEach((s, j) => {
      if (!s) return;
      const want = b.servers.get(s.address);
      const slot = `${name}/s${j + 1}`;
      if (!want) {
        // Taken down only after the maps moved: a request already routed here still finds it.
        down.push(`set server ${slot} state maint`);
        return;
      }
      inUse.add(s.address);
      if (want.weight !== s.weight) up.push(`set server ${slot} weight ${want.weight}`);
    });
    const added = [...b.servers.values()].filter((s) => !inUse.has(`${s.ip}:${s.port}`));
    const vacant = slots.flatMap((s, j) => (s ? [] : [j]));
    if (added.length > vacant.length)
      throw new Error(
        `haproxy data plane: ${b.label} needs ${slots.filter(Boolean).length + added.length} server slots during this change; ` +
          `${pool.slotsPerBackend} are declared per backend (option slotsPerBackend)`,
      );
    const nextSlots = slots.map((s) => (s && b.servers.has(s.address) ? s : undefined));
    added.forEach((s, i) => {
      const j = vacant[i]!;
      const slot = `${name}/s${j + 1}`;
      up.push(
        `set server ${slot} addr ${s.ip} port ${s.port}`,
        `set server ${slot} weight ${s.weight}`,
        `set server ${slot} state ready`,
        // A slot reused after its last endpoint failed checks may still count as down: the table says healthy.
        `set server ${slot} health up`,
      );
      nextSlots[j] = { address: `${s.ip}:${s.port}`, weight: s.weight };
    });
    byKey.set(b.key, { name, slots: nextSlots });
  }
  const freed: string[] = [];
  for (const [key, b] of prev.byKey) {
    if (wanted.has(key)) continue;
    b.slots.forEach((s, j) => {
      if (s) down.push(`set server ${b.name}/s${j + 1} state maint`);
    });
    freed.push(b.name);
  }
  const hosts = new Map<string, string>();
  const names = new Map<string, string>([[pool.baseDomainKey, desired.baseDomain]]);
  for (const b of desired.backends) {
    hosts.set(b.host, byKey.get(b.key)!.name);
    names.set(b.host, b.label);
  }
  for (const u of desired.unreleased) {
    hosts.set(u.host, pool.unreleasedBackend);
    names.set(u.host, u.label);
  }
  // Labels first (a page may name a host as soon as it routes), hosts after; removals in the opposite order.
  const n = mapCommands(pool.namesMap, prev.names, names);
  const h = mapCommands(pool.hostsMap, prev.hosts, hosts);
  return {
    commands: [...up, ...n.upsert, ...h.upsert, ...h.remove, ...down, ...n.remove],
    next: { byKey, freeBackends: [...free, ...freed], hosts, names },
  };
}
