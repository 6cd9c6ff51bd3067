// The deploy section's Express app needs real node_modules, and the machine cannot reach a registry: its
// package-lock.json is cut from the monorepo's (the same versions, resolved the way Node resolves them), and at
// bench time its packages are copied from the monorepo's node_modules into the app's work tree.
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The lock path Node would load `dep` from when required by the package at `from` (a lock path or ""). */
function resolve(packages: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${dep}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut < 0 ? "" : base.slice(0, cut);
  }
}

/** The lock entries (path → entry) of `deps` and everything they depend on, from a root package-lock.json. */
export function lockClosure(
  rootLock: { packages: Record<string, LockEntry> },
  deps: string[],
): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const queue = deps.map((d) => ({ from: "", dep: d }));
  while (queue.length) {
    const { from, dep } = queue.shift()!;
    const path = resolve(rootLock.packages, from, dep);
    if (!path)
      throw new Error(`${dep} (needed by ${from || "the app"}) is not in the root package-lock.json`);
    if (out[path]) continue;
    const entry = rootLock.packages[path]!;
    out[path] = entry;
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }))
      queue.push({ from: path, dep: d });
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Copies the packages listed in `appDir`'s package-lock.json from `rootDir` into `appDir/<into>`. */
export function vendorNodeModules(rootDir: string, appDir: string, into = "vendored_modules"): number {
  const lock = JSON.parse(readFileSync(join(appDir, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  let n = 0;
  for (const path of Object.keys(lock.packages)) {
    if (!path) continue;
    // Nested node_modules are lock entries of their own: copy each package's files without them.
    cpSync(join(rootDir, path), join(appDir, into, path.slice("node_modules/".length)), {
      recursive: true,
      filter: (src) => !src.slice(join(rootDir, path).length).includes("node_modules"),
    });
    n++;
  }
  return n;
}
