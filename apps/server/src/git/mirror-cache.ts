import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "./run-git.js";

export interface GitAccess {
  env: Record<string, string>;
  secrets: readonly string[];
  signal: AbortSignal;
  onLine?: (line: string) => void;
}

/** The commit a build is made from: its provenance (never dirty: it is a commit, not a working tree). */
export interface CommitInfo {
  sha: string;
  author: string;
  message: string;
  commitTimeMs: number;
}

// One fetch per mirror at a time: two pushes in a row must not race on the same refs.
const locks = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = locks.get(key) ?? Promise.resolve();
  const run = before.then(work, work);
  const settled = run.catch(() => undefined);
  locks.set(key, settled);
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return run;
}

/** The mirror's directory for a URL: one per repository, named by the URL's hash. */
export function mirrorDirOf(cacheRoot: string, url: string): string {
  return join(cacheRoot, `${createHash("sha256").update(url).digest("hex").slice(0, 32)}.git`);
}

/** `git clone --mirror` once, `git fetch --prune` after: the repository's refs as they are now, in the cache. */
export function syncMirror(cacheRoot: string, url: string, access: GitAccess): Promise<string> {
  const dir = mirrorDirOf(cacheRoot, url);
  return serialised(dir, async () => {
    const exists = await stat(join(dir, "HEAD")).then(
      () => true,
      () => false,
    );
    if (exists) {
      await runGit(["--git-dir", dir, "fetch", "--prune", "--force", "--no-tags", "origin"], access);
      return dir;
    }
    await mkdir(cacheRoot, { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    try {
      await runGit(["clone", "--mirror", "--no-local", "--", url, tmp], access);
      await rename(tmp, dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return dir;
  });
}

/** The commit to build: `sha` when given (it must be in the mirror), else the newest commit of branch or tag `ref`. */
export async function resolveCommit(
  dir: string,
  ref: string,
  sha: string,
  access: GitAccess,
): Promise<string> {
  if (sha) {
    await runGit(["--git-dir", dir, "cat-file", "-e", `${sha}^{commit}`], access).catch(() => {
      throw new Error(`commit ${sha} is not in the repository (was it pushed?)`);
    });
    return sha;
  }
  for (const full of [`refs/heads/${ref}`, `refs/tags/${ref}`]) {
    const out = await runGit(
      ["--git-dir", dir, "rev-parse", "--verify", "--quiet", "--end-of-options", `${full}^{commit}`],
      access,
    ).catch(() => undefined);
    if (out) return out.toString().trim();
  }
  throw new Error(`the repository has no branch or tag "${ref}"`);
}

/** Author, message and time of a commit. */
export async function readCommit(dir: string, sha: string, access: GitAccess): Promise<CommitInfo> {
  const out = await runGit(
    ["--git-dir", dir, "show", "-s", "--format=%H%x00%an <%ae>%x00%ct%x00%B", sha],
    access,
  );
  const [full = sha, author = "", time = "0", ...message] = out.toString().split("\0");
  return { sha: full, author, message: message.join("\0").trim(), commitTimeMs: Number(time) * 1000 };
}

/** Writes the tree of `path` at a commit into `dest` (no .git): what the builder copies. */
export async function exportTree(
  dir: string,
  sha: string,
  path: string,
  dest: string,
  access: GitAccess,
): Promise<void> {
  const treeish = path === "." ? `${sha}^{tree}` : `${sha}:${path}`;
  const type = await runGit(["--git-dir", dir, "cat-file", "-t", treeish], access).catch(() => undefined);
  if (type?.toString().trim() !== "tree")
    throw new Error(`commit ${sha.slice(0, 12)} has no directory "${path}"`);
  await mkdir(dest, { recursive: true });
  // git archive streams straight into tar: a large tree is never held in memory.
  const tar = spawn("tar", ["-x", "-f", "-", "-C", dest], {
    stdio: ["pipe", "ignore", "pipe"],
    signal: access.signal,
  });
  let tarError = "";
  tar.stderr.on("data", (b: Buffer) => {
    tarError += b.toString();
  });
  const unpacked = new Promise<void>((resolve, reject) => {
    tar.on("error", reject);
    tar.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`unpacking the commit failed: ${tarError.trim() || code}`)),
    );
  });
  await Promise.all([
    runGit(["--git-dir", dir, "archive", "--format=tar", treeish], { ...access, stdout: tar.stdin }),
    unpacked,
  ]);
}
