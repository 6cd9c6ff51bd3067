import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { decodeTime, ulid } from "ulid";
import { fingerprintOf, type LinkedFile, linkTree } from "./link-tree.js";
import { removeLater } from "./remove-later.js";

const lockfiles = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];
/** Install commands that only (re)create node_modules from the lockfile, so a cache hit can skip them. */
const installCommand = /^\s*(npm\s+(ci|install|i)|yarn(\s+install)?|pnpm\s+(install|i))(\s|$)/;

/**
 * The bytes of a package.json or package-lock.json without the app's own version, which npm writes nowhere
 * in node_modules: a release that only bumps it (`npm version patch`) keeps its cache. Other files, and
 * files that are not JSON, count as they are.
 */
function withoutOwnVersion(name: string, bytes: Buffer): Buffer | string {
  if (name !== "package.json" && name !== "package-lock.json" && name !== "npm-shrinkwrap.json") return bytes;
  try {
    const json = JSON.parse(bytes.toString("utf8")) as Record<string, unknown> & {
      packages?: Record<string, Record<string, unknown>>;
    };
    delete json.version;
    if (json.packages?.[""]) delete json.packages[""].version;
    return JSON.stringify(json);
  } catch {
    return bytes;
  }
}

/**
 * Key of a node_modules tree: the lockfile, package.json (both less the app's own version) and Node's ABI.
 * Undefined without a lockfile.
 */
export async function nodeModulesKey(dir: string): Promise<string | undefined> {
  for (const name of lockfiles) {
    const lock = await readFile(join(dir, name)).catch(() => undefined);
    if (!lock) continue;
    const pkg = await readFile(join(dir, "package.json")).catch(() => Buffer.alloc(0));
    return createHash("sha256")
      .update(withoutOwnVersion(name, lock))
      .update("\0")
      .update(withoutOwnVersion("package.json", pkg))
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

/** A cached node_modules lent to one build; give it back when the build is done with its files. */
export interface BorrowedNodeModules {
  /** Returns the entry to the cache if nothing wrote through the links (true), else drops it. */
  giveBack(): Promise<boolean>;
}

/**
 * Restores the cached node_modules for key into dir as hard links, undefined on a miss. The entry is held
 * aside meanwhile (renamed), so a concurrent build of the same key misses rather than shares it; giveBack
 * checks that no linked file changed (a build writing into node_modules in place) before returning it.
 * Links because deleting a restored copy costs as much as making it, and a build command often deletes.
 */
export async function borrowNodeModules(
  cacheDir: string,
  key: string,
  dir: string,
): Promise<BorrowedNodeModules | undefined> {
  const cached = join(cacheDir, "node_modules", key);
  const held = `${cached}.held-${ulid()}`;
  const taken = await rename(cached, held).then(
    () => true,
    () => false, // not cached, or another build holds it
  );
  const trash = join(cacheDir, "node_modules");
  if (!taken) {
    void sweepAbandoned(trash);
    return undefined;
  }
  const putBack = () => rename(held, cached).catch(() => removeLater(held, trash));
  let linked: LinkedFile[];
  try {
    linked = await linkTree(held, join(dir, "node_modules"), false);
  } catch (err) {
    await putBack();
    throw err;
  }
  return {
    async giveBack() {
      for (const file of linked)
        if ((await fingerprintOf(join(held, file.path))) !== file.fingerprint) {
          await removeLater(held, trash);
          return false;
        }
      await putBack();
      return true;
    },
  };
}

/** A build that held an entry longer than this died holding it (killed before its `finally` ran). */
const abandonedAfterMs = 24 * 60 * 60 * 1000;

/** Drops entries held by builds that never gave them back: they would take disk forever. */
async function sweepAbandoned(trash: string): Promise<void> {
  for (const name of await readdir(trash).catch(() => [] as string[])) {
    const id = /\.held-([0-9A-HJKMNP-TV-Z]{26})$/.exec(name)?.[1];
    if (id && Date.now() - decodeTime(id) > abandonedAfterMs)
      await removeLater(join(trash, name), trash).catch(() => undefined);
  }
}

/**
 * Saves dir/node_modules under key, atomically, unless already cached. The cache gets hard links to the
 * build's files (the build directory is only deleted after this), copies of files linked elsewhere (a pnpm
 * store, the working tree, a borrowed entry). Call it only once nothing writes into dir: the artifact is packed.
 */
export async function saveNodeModules(cacheDir: string, key: string, dir: string): Promise<void> {
  const source = join(dir, "node_modules");
  const target = join(cacheDir, "node_modules", key);
  if (!(await exists(source)) || (await exists(target))) return;
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await linkTree(source, tmp, true);
    // Another build of the same key may have saved first: its tree is as good as ours.
    await rename(tmp, target).catch(() => undefined);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
