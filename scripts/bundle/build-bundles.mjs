// Bundles the `berth` CLI and `berth-entrypoint` with esbuild into apps/<x>/dist/ (ESM, Node 20), so their bins run
// compiled JavaScript instead of compiling TypeScript through tsx at every start.
// `node scripts/bundle/build-bundles.mjs [cli|entrypoint]…` (no names: both); each workspace's `npm run build` calls it.
import { chmodSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * What each bundle leaves to node_modules at run time: native addons (better-sqlite3, node-pty) and packages that
 * read their own files next to their code (the HCL parser's Go-WASM module and its loader).
 */
export const bundles = {
  cli: { entry: "apps/cli/src/main.ts", external: ["@cdktf/hcl2json", "tsx"] },
  entrypoint: { entry: "apps/entrypoint/src/main.ts", external: ["node-pty"] },
};

/**
 * `berth server run` loads the server lazily, and the server still runs its TypeScript sources (through tsx): in the
 * bundle that import registers tsx first and stays outside the bundle, so no other command loads tsx or the server.
 */
const serverThroughTsx = {
  name: "server-through-tsx",
  setup(b) {
    const lazyServer = 'import("@berth/server")';
    b.onLoad({ filter: /apps\/cli\/src\/.*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes(lazyServer)) return undefined;
      const contents = source.replaceAll(
        lazyServer,
        'import("tsx/esm/api").then(({ register }) => (register(), import("@berth/server")))',
      );
      return { contents, loader: "ts" };
    });
    b.onResolve({ filter: /^@berth\/server$/ }, (args) => {
      if (args.kind !== "dynamic-import") {
        throw new Error(`${args.importer} imports @berth/server statically: the CLI may only load it lazily`);
      }
      return { path: "@berth/server", external: true };
    });
  },
};

/**
 * Builds one bundle into apps/<name>/dist. Built next to it and swapped in, so a bin started meanwhile (a dev stack,
 * another test run) finds the old bundle or the new one, never half of one.
 */
export async function buildBundle(name) {
  const spec = bundles[name];
  if (!spec) throw new Error(`unknown bundle "${name}" (known: ${Object.keys(bundles).join(", ")})`);
  const dist = join(root, "apps", name, "dist");
  const outdir = mkdtempSync(join(root, "apps", name, ".dist-new-"));
  try {
    await build({
      absWorkingDir: root,
      entryPoints: { [name === "cli" ? "berth" : "berth-entrypoint"]: spec.entry },
      outdir,
      bundle: true,
      // Lazy imports (the server, the entrypoint's gRPC client) stay separate chunks, loaded only when used.
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      sourcemap: "linked",
      external: spec.external,
      // The CLI imports the HCL parser (whose import starts a Go-WASM runtime) dynamically, on a cache miss only.
      plugins: name === "cli" ? [serverThroughTsx] : [],
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

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : Object.keys(bundles)) await buildBundle(name);
}
