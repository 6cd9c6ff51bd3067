// Pure comparison of config variable sets: what a change or a revision range did.

/** "project" or "app": where a variable is set. */
export type VarScope = "project" | "app";

/** A config variable as stored in snapshots. */
export interface StoredVar {
  name: string;
  value: string;
  secret: boolean;
}

/** A variable with the scope it came from (an app's effective config mixes both). */
export interface ScopedVar extends StoredVar {
  scope: VarScope;
}

/** One difference between two variable sets; values are blank when either side is secret. */
export interface VarChange {
  name: string;
  scope: VarScope;
  change: "added" | "changed" | "removed";
  secret: boolean;
  oldValue: string;
  newValue: string;
}

/** What turns `before` into `after`, by name; secret values never appear. */
export function diffVars(
  before: ReadonlyMap<string, ScopedVar>,
  after: ReadonlyMap<string, ScopedVar>,
): VarChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: VarChange[] = [];
  for (const name of names) {
    const a = before.get(name);
    const b = after.get(name);
    if (a && b && a.value === b.value && a.secret === b.secret && a.scope === b.scope) continue;
    const secret = !!(a?.secret || b?.secret);
    changes.push({
      name,
      scope: (b ?? a)?.scope ?? "project",
      change: !a ? "added" : !b ? "removed" : "changed",
      secret,
      oldValue: secret ? "" : (a?.value ?? ""),
      newValue: secret ? "" : (b?.value ?? ""),
    });
  }
  return changes;
}

/** An app's effective variables: project variables overlaid by the app's own. */
export function overlayVars(projectVars: StoredVar[], appVars: StoredVar[]): Map<string, ScopedVar> {
  const out = new Map<string, ScopedVar>();
  for (const v of projectVars) out.set(v.name, { ...v, scope: "project" });
  for (const v of appVars) out.set(v.name, { ...v, scope: "app" });
  return out;
}

/** Variables of one scope, keyed by name. */
export function varsByName(vars: StoredVar[], scope: VarScope): Map<string, ScopedVar> {
  return new Map(vars.map((v) => [v.name, { ...v, scope }]));
}

/** The variables a scope holds after setting `set` and removing `unset`, sorted by name. */
export function applyVarChanges(current: StoredVar[], set: StoredVar[], unset: string[]): StoredVar[] {
  const next = new Map(current.map((v) => [v.name, v]));
  for (const name of unset) next.delete(name);
  for (const v of set) next.set(v.name, v);
  return [...next.values()].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
