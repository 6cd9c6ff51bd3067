import { isAbsolute, relative, resolve } from "node:path";
import { git } from "../git/read-git-info.js";

/**
 * Whether the app's source directory (`path` in berth.hcl, relative to the berth.hcl directory) is covered by
 * the git state `berth up` read for that directory: inside it and in the same repository. Only then can a
 * clean tree at the same commit mean "nothing changed"; `path = "../web"` or a nested repository could hold
 * edits that state never saw.
 */
export async function sourceInProjectTree(
  rootDir: string,
  appPath: string | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  const sourceDir = resolve(rootDir, appPath ?? ".");
  const rel = relative(rootDir, sourceDir);
  if (rel.startsWith("..") || isAbsolute(rel)) return false;
  const [top, sourceTop] = await Promise.all([
    git(rootDir, ["rev-parse", "--show-toplevel"], signal),
    git(sourceDir, ["rev-parse", "--show-toplevel"], signal),
  ]);
  return top !== undefined && top.trim() !== "" && top.trim() === sourceTop?.trim();
}
