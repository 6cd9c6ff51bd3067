// Bundles the `berth` CLI (with the server as a lazy chunk), `berth-entrypoint` and the BFF (`berth-bff`) with esbuild
// into apps/<x>/dist/ (ESM, Node 20), so they run compiled JavaScript instead of TypeScript through tsx.
// `node scripts/bundle/build-bundles.mjs [--if-stale] [cli|entrypoint|bff]…` (no names: all); each workspace's
// `npm run build` calls it. Builds take a lock: two at once would swap their dist/ directories into each other.
import { chmodSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { acquireBuildLock } from "./build-lock.mjs";
import { sourceUrlPlugin } from "./source-url-plugin.mjs";
import { bundleInputs, staleBundles } from "./stale-bundles.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Where concurrent builders wait for each other (gitignored with node_modules). */
export const lockPath = join(root, "node_modules/.cache/berth/bundle-build.lock");

/**
 * What each bundle leaves to node_modules at run time (`external`): native addons (better-sqlite3 for the server,
 * node-pty for exec) and packages that read their own files next to their code (the HCL parser's Go-WASM module and
 * its loader); dockerode (its ssh2 dependency carries native addons), which the server imports only when a deployment
 * uses the docker platform, and @kubernetes/client-node (large; loaded only for the kubernetes platform). `sourceUrls`: code in it finds repository files relative to its source (see source-url-plugin.mjs);
 * not the entrypoint, which must not depend on the repository's layout (platforms copy it into containers).
 */
export const bundles = {
  cli: {
    entry: "apps/cli/src/main.ts",
    external: ["@cdktf/hcl2json", "better-sqlite3", "dockerode", "@kubernetes/client-node"],
    sourceUrls: true,
  },
  entrypoint: { entry: "apps/entrypoint/src/main.ts", external: ["node-pty"], sourceUrls: false },
  bff: { entry: "apps/bff/src/main.ts", external: [], sourceUrls: true },
};

/**
 * The server is a lazy chunk of the CLI: only `berth server run` loads it (and better-sqlite3). A static import would
 * put it on every command's start path.
 */
const serverStaysLazy = {
  name: "server-stays-lazy",
  setup(b) {
    b.onResolve({ filter: /^@berth\/server$/ }, (args) => {
      if (args.kind !== "dynamic-import" && args.importer.includes("/apps/cli/")) {
        throw new Error(`${args.importer} imports @berth/server statically: the CLI may only load it lazily`);
      }
      return undefined;
    });
  },
};

/**
 * Builds one bundle into apps/<name>/dist. Built next to it and swapped in, so a bin started meanwhile (a dev stack,
 * another test run) finds the old bundle or the new one, never half of one. Call it under the build lock.
 */
export async function buildBundle(name) {
  const spec = bundles[name];
  if (!spec) throw new Error(`unknown bundle "${name}" (known: ${Object.keys(bundles).join(", ")})`);
  const dist = join(root, "apps", name, "dist");
  const outdir = mkdtempSync(join(root, "apps", name, ".dist-new-"));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { [bundleInputs[name].main.replace(/\.js$/, "")]: spec.entry },
      outdir,
      bundle: true,
      // Lazy imports (the server, the entrypoint's gRPC client, the HCL parser) stay separate chunks.
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      external: spec.external,
      plugins: [serverStaysLazy, ...(spec.sourceUrls ? [sourceUrlPlugin(dist)] : [])],
      // Bundled CommonJS dependencies call require() for Node built-ins: give ESM output one.
      banner: {
        js: 'import { createRequire as __berthRequire } from "node:module";\nconst require = __berthRequire(import.meta.url);',
      },
      logLevel: "warning",
    });
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  // Readable by every user (apps run as another user; the entrypoint may too): never inherit a restrictive umask.
  for (const file of readdirSync(outdir)) chmodSync(join(outdir, file), 0o644);
  chmodSync(outdir, 0o755);
  const old = `${outdir}.old`;
  try {
    renameSync(dist, old);
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }
  renameSync(outdir, dist);
  rmSync(old, { recursive: true, force: true });
}

/** Builds the named bundles under the lock; with `ifStale`, only those still stale once the lock is ours. */
export async function buildBundles(names, { ifStale = false } = {}) {
  const release = await acquireBuildLock(lockPath);
  try {
    for (const name of ifStale ? staleBundles(names) : names) {
      const started = performance.now();
      await buildBundle(name);
      console.log(`bundled ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    release();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const names = args.filter((a) => a !== "--if-stale");
  const unknown = names.filter((n) => !(n in bundles));
  if (unknown.length) {
    console.error(
      `build-bundles: unknown bundle "${unknown[0]}" (known: ${Object.keys(bundles).join(", ")})`,
    );
    process.exit(2);
  }
  await buildBundles(names.length ? names : Object.keys(bundles), { ifStale: args.includes("--if-stale") });
}
