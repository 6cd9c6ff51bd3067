// Installs what Berth needs on a fresh clone: npm packages (npm ci) and, for tests, Debian's chromium, protoc and
// haproxy (the native data plane's tests run the real one).
// Only Node built-ins here: this runs before node_modules exists.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newestMtime, staleBundles } from "./bundle/stale-bundles.mjs";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** Runs a command with inherited output, throwing on failure. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.status ?? r.signal}`);
}

// nginx and haproxy live in /usr/sbin, which a non-root PATH often lacks.
const has = (cmd) =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0 ||
  existsSync(`/usr/sbin/${cmd}`);

/** npm ci when node_modules is missing or older than the lockfile (a pull that changed dependencies). */
export function ensureNodeModules() {
  const marker = join(root, "node_modules/.package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("Installing npm packages (npm ci)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Debian packages the test run needs; installed when we are root, else a one-line instruction. */
export function ensureSystemPackages(
  // dockerd: the docker platform's tests start their own engine (apps/cli/test/docker-platform.test.ts).
  commands = { chromium: "chromium", protoc: "protobuf-compiler", haproxy: "haproxy", dockerd: "docker.io" },
) {
  const missing = Object.entries(commands).filter(([cmd]) => !has(cmd));
  if (missing.length === 0) return;
  const pkgs = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `missing ${pkgs.join(", ")}: run \`sudo apt-get install -y ${pkgs.join(" ")}\` and try again`,
    );
  }
  console.log(`Installing ${pkgs.join(", ")} from Debian…`);
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", ...pkgs], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

/** Builds apps/web when dist is missing or older than any source it is built from. */
export function ensureWebBuild() {
  const index = join(root, "apps/web/dist/index.html");
  const sources = ["apps/web", "packages/ui/src", "packages/api-client/src", "packages/proto/src"].map((p) =>
    join(root, p),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(sources)) return;
  console.log(existsSync(index) ? "Rebuilding the dashboard (sources changed)…" : "Building the dashboard…");
  // Vite's chunk table is noise here; it is shown only when the build fails.
  const r = spawnSync("npm", ["run", "build", "--silent", "-w", "@berth/web"], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error("building the dashboard failed (npm run build -w @berth/web)");
  }
}

/**
 * Builds the `berth`, `berth-entrypoint` and `berth-bff` bundles (apps/{cli,entrypoint,bff}/dist) that are missing or
 * older than a source they are built from. The builder re-checks under its lock: a concurrent run may have just
 * built them.
 */
export function ensureBundles() {
  const stale = staleBundles();
  if (stale.length === 0) return;
  const r = spawnSync(process.execPath, ["scripts/bundle/build-bundles.mjs", "--if-stale", ...stale], {
    cwd: root,
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error(`bundling ${stale.join(", ")} failed (npm run build)`);
  }
}
