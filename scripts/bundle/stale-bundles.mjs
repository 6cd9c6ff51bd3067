// Which bundles are missing or older than a source they are built from: an mtime walk, cheap enough to run before
// every test run. Only Node built-ins: ensure-deps runs it before it knows esbuild is installed.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Each bundle's main file (in apps/<name>/dist) and what it is built from (tests excepted). */
export const bundleInputs = {
  cli: {
    main: "berth.js",
    // `berth server run` carries the server as a lazy chunk; `berth router run` (and the server) the router.
    sources: [
      "apps/cli/src",
      "apps/cli/package.json",
      "apps/server/src",
      "apps/server/package.json",
      "apps/router/src",
      "apps/router/package.json",
    ],
  },
  entrypoint: {
    main: "berth-entrypoint.js",
    sources: ["apps/entrypoint/src", "apps/entrypoint/package.json"],
  },
  bff: { main: "berth-bff.js", sources: ["apps/bff/src", "apps/bff/package.json"] },
};

/** Inputs of every bundle: the shared packages, the lockfile and the bundler itself. */
const sharedInputs = ["packages", "package-lock.json", "scripts/bundle"];

const isTest = (p) => /\.test\.(ts|tsx|mjs)$/.test(p);

/**
 * Newest modification time under the given paths (files or directories), skipping node_modules and dist (and the
 * files `skip` names).
 */
export function newestMtime(paths, skip = () => false) {
  let newest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p))
        if (name !== "node_modules" && name !== "dist" && !name.startsWith(".dist-new-"))
          visit(join(p, name));
    } else if (!skip(p)) newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** The path of a bundle's main file. */
export function bundleMain(name) {
  return join(root, "apps", name, "dist", bundleInputs[name].main);
}

/** The names of the bundles (of `names`, default all) that are missing or older than one of their inputs. */
export function staleBundles(names = Object.keys(bundleInputs)) {
  return names.filter((name) => {
    const main = bundleMain(name);
    if (!existsSync(main)) return true;
    const inputs = [...bundleInputs[name].sources, ...sharedInputs].map((p) => join(root, p));
    return statSync(main).mtimeMs < newestMtime(inputs, isTest);
  });
}
