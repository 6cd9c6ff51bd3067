import { createHash } from "node:crypto";
import { readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { copyTree, linkTree } from "./link-tree.js";

const lockfiles = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];
/** Install commands that only (re)create node_modules from the lockfile, so a cache hit can skip them. */
const installCommand = /^\s*(npm\s+(ci|install|i)|yarn(\s+install)?|pnpm\s+(install|i))(\s|$)/;

/** Key of a node_modules tree: the lockfile, package.json and Node's ABI. Undefined without a lockfile. */
export async function nodeModulesKey(dir: string): Promise<string | undefined> {
  for (const name of lockfiles) {
    const lock = await readFile(join(dir, name)).catch(() => undefined);
    if (!lock) continue;
    const pkg = await readFile(join(dir, "package.json")).catch(() => Buffer.alloc(0));
    return createHash("sha256")
      .update(lock)
      .update(pkg)
      .update(`${process.versions.modules}:${process.platform}:${process.arch}`)
      .digest("hex")
      .slice(0, 32);
  }
  return undefined;
}

/** Splits a build command on `&&` and drops the install steps (used when node_modules came from the cache). */
export function withoutInstallSteps(command: string): string {
  return command
    .split("&&")
    .filter((part) => !installCommand.test(part))
    .map((p) => p.trim())
    .filter(Boolean)
    .join(" && ");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Takes the cached node_modules for key into dir: the entry is *moved* out of the cache (one rename), so the
 * build owns its files and nothing it writes can reach the cache or another build; a concurrent build of the
 * same key misses meanwhile. saveNodeModules puts the tree back after the build. Across filesystems, a copy.
 */
export async function restoreNodeModules(cacheDir: string, key: string, dir: string): Promise<boolean> {
  const cached = join(cacheDir, "node_modules", key);
  const target = join(dir, "node_modules");
  try {
    await rename(cached, target);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return false;
    if (code !== "EXDEV") throw err;
  }
  if (!(await exists(cached))) return false;
  await copyTree(cached, target);
  return true;
}

/**
 * Saves dir/node_modules under key, atomically, unless already cached. The cache gets hard links to the
 * build's files (the build directory is only deleted after this), copies of files linked elsewhere too (a
 * pnpm store, the working tree). Call it only once nothing writes into dir any more: the artifact is packed.
 */
export async function saveNodeModules(cacheDir: string, key: string, dir: string): Promise<void> {
  const source = join(dir, "node_modules");
  const target = join(cacheDir, "node_modules", key);
  if (!(await exists(source)) || (await exists(target))) return;
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await linkTree(source, tmp);
    // Another build of the same key may have saved first: its tree is as good as ours.
    await rename(tmp, target).catch(() => undefined);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
