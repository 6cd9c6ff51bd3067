import { lstat, readlink } from "node:fs/promises";
import { join } from "node:path";
import { type TreeEntry, unsafeLinks } from "../registry/tree-links.js";

/** A build input or output holds links that would reach outside the deployed app's directory. */
export class UnsafeLinksError extends Error {
  override name = "UnsafeLinksError";
}

/**
 * Refuses a tree whose symlinks (alone or as a chain) lead outside it, with the same rules the server
 * applies when the artifact is pushed, so the build fails in seconds instead of at the push.
 */
export async function checkTreeLinks(dir: string, files: string[], what: string): Promise<void> {
  const entries: TreeEntry[] = [];
  for (const path of files) {
    const st = await lstat(join(dir, path)).catch(() => undefined);
    if (st?.isSymbolicLink())
      entries.push({ path, kind: "symlink", target: await readlink(join(dir, path)) });
    else if (st) entries.push({ path, kind: "other" });
  }
  reportUnsafe(entries, what);
}

function reportUnsafe(entries: TreeEntry[], what: string): void {
  const problems = unsafeLinks(entries);
  if (problems.length > 0)
    throw new UnsafeLinksError(
      `${what} has links that point outside the app's directory: ${problems.join("; ")}. Replace them with copies or relative links that stay inside.`,
    );
}

/** checkTreeLinks for a tree already listed with its symlinks marked: reads only the links, stats nothing. */
export async function checkListedLinks(
  dir: string,
  tree: { path: string; symlink: boolean }[],
  what: string,
): Promise<void> {
  const entries: TreeEntry[] = [];
  for (const { path, symlink } of tree)
    entries.push(
      symlink ? { path, kind: "symlink", target: await readlink(join(dir, path)) } : { path, kind: "other" },
    );
  reportUnsafe(entries, what);
}
