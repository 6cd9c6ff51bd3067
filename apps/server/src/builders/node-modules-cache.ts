import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { cp, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

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
 * Copies a tree as its own files: a reflink (copy-on-write clone) where the filesystem offers one, else a
 * byte copy. Never hard links: a build writing into its node_modules must not change the cache (or the
 * next build that restores from it).
 */
async function copyTree(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    mode: constants.COPYFILE_FICLONE,
  });
}

/** Copies a cached node_modules into dir (its own copy: the build cannot write through to the cache). */
export async function restoreNodeModules(cacheDir: string, key: string, dir: string): Promise<boolean> {
  const cached = join(cacheDir, "node_modules", key);
  if (!(await exists(cached))) return false;
  await copyTree(cached, join(dir, "node_modules"));
  return true;
}

/** Saves dir/node_modules under key, atomically, unless already cached. */
export async function saveNodeModules(cacheDir: string, key: string, dir: string): Promise<void> {
  const source = join(dir, "node_modules");
  const target = join(cacheDir, "node_modules", key);
  if (!(await exists(source)) || (await exists(target))) return;
  await mkdir(join(cacheDir, "node_modules"), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await copyTree(source, tmp);
  await rename(tmp, target).catch(() => rm(tmp, { recursive: true, force: true }));
}
