import type { BusEvent } from "./event-bus.js";

/**
 * What one replica tells the others about an event: which row changed, never its content (PostgreSQL NOTIFY
 * payloads stop at 8,000 bytes, and content read back from the store is what every replica agrees on).
 * Field names are short because every replica parses every pointer.
 */
export interface EventPointer {
  /** The replica that published it (it ignores its own). */
  o: string;
  /** The event kind: "release", "deployment", "instance", … */
  k: Exclude<BusEvent["event"]["case"], "heartbeat" | undefined>;
  /** The row: release, deployment, build, job, instance or runner id; the app name for "application". */
  id: string;
  /** Project and app of the event (what watchers filter on). */
  p: string;
  a: string;
  /** Config revision number ("config"). */
  n?: number;
  /** Live state only the publishing replica knows: an instance's entrypoint or a runner is connected to it. */
  c?: boolean;
}

/** PostgreSQL's limit on a NOTIFY payload, minus room: a pointer beyond it is a bug, not an event to send. */
export const maxPointerBytes = 7_900;

/** The pointer of a bus event, or undefined for events that stay local (heartbeats). */
export function pointerOf(origin: string, e: BusEvent): EventPointer | undefined {
  const base = { o: origin, p: e.project, a: e.app };
  const ev = e.event;
  switch (ev.case) {
    case "application":
      return { ...base, k: ev.case, id: ev.value.name };
    case "build":
    case "deployment":
    case "release":
    case "job":
      return { ...base, k: ev.case, id: ev.value.id };
    case "instance":
      return { ...base, k: ev.case, id: ev.value.id, c: ev.value.connected };
    case "runner":
      return { ...base, k: ev.case, id: ev.value.id, c: ev.value.online };
    case "config":
      return { ...base, k: ev.case, id: "", n: ev.value.revision };
    default:
      return undefined;
  }
}

const kinds = new Set([
  "application",
  "build",
  "deployment",
  "release",
  "job",
  "instance",
  "runner",
  "config",
]);

/** Parses a NOTIFY payload; undefined (never a throw) for anything that is not a pointer of ours. */
export function parsePointer(payload: string): EventPointer | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const p = v as Record<string, unknown>;
  if (typeof p.o !== "string" || typeof p.k !== "string" || !kinds.has(p.k)) return undefined;
  if (typeof p.id !== "string" || typeof p.p !== "string" || typeof p.a !== "string") return undefined;
  if (p.n !== undefined && typeof p.n !== "number") return undefined;
  if (p.c !== undefined && typeof p.c !== "boolean") return undefined;
  return p as unknown as EventPointer;
}
