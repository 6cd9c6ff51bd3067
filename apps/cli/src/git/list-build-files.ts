import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, listWorkingTreeFiles } from "./read-git-info.js";

/** What a build ships from an app's directory. */
export interface BuildFiles {
  /** Paths relative to the app's directory. */
  files: string[];
  /** False outside a git repository: the build records no commit. */
  inRepository: boolean;
  /** How many files the berth.hcl `exclude` patterns left out. */
  excluded: number;
}

/**
 * Anchors `exclude` patterns at the app's directory: git reads patterns with an inner slash relative to the
 * repository's top, so `/dist` or `src/gen/` of an app in `apps/web/` becomes `/apps/web/dist`.
 */
export function anchorPatterns(patterns: string[], prefix: string): string[] {
  if (!prefix) return patterns;
  return patterns.map((raw) => {
    const negated = raw.startsWith("!");
    const p = negated ? raw.slice(1) : raw;
    if (!p.replace(/\/$/, "").includes("/")) return raw;
    return `${negated ? "!" : ""}/${prefix}${p.replace(/^\//, "")}`;
  });
}

/**
 * The files a build ships from `dir`, chosen by git's own matcher: tracked files plus untracked ones that
 * .gitignore does not exclude, minus those matching `exclude` (gitignore syntax). Outside a repository git
 * still applies the directory's .gitignore files, through an empty scratch repository whose work tree is `dir`.
 */
export async function listBuildFiles(
  dir: string,
  exclude: string[],
  signal?: AbortSignal,
): Promise<BuildFiles> {
  const scratch = await mkdtemp(join(tmpdir(), "berth-files-"));
  try {
    let files = await listWorkingTreeFiles(dir, signal);
    const inRepository = files !== undefined;
    const repo = inRepository ? [] : ["--git-dir", join(scratch, "repo.git"), "--work-tree", "."];
    if (!inRepository) {
      if ((await git(dir, ["init", "-q", "--bare", join(scratch, "repo.git")], signal)) === undefined)
        throw new Error(
          `cannot list the files of ${dir}: the git command is needed (even outside a repository)`,
        );
      const out = await git(
        dir,
        [...repo, "ls-files", "-z", "--others", "--exclude-standard", "--", "."],
        signal,
      );
      files = (out ?? "").split("\0").filter(Boolean);
    }
    let shipped = files ?? [];
    if (exclude.length > 0) {
      const prefix = inRepository
        ? ((await git(dir, ["rev-parse", "--show-prefix"], signal)) ?? "").trim()
        : "";
      const patterns = join(scratch, "exclude");
      await writeFile(patterns, `${anchorPatterns(exclude, prefix).join("\n")}\n`);
      const out = await git(
        dir,
        [
          ...repo,
          "ls-files",
          "-z",
          "--cached",
          "--others",
          "--ignored",
          `--exclude-from=${patterns}`,
          "--",
          ".",
        ],
        signal,
      );
      if (out === undefined) throw new Error(`cannot apply the exclude patterns in ${dir}`);
      const excluded = new Set(out.split("\0").filter(Boolean));
      shipped = shipped.filter((f) => !excluded.has(f));
    }
    return { files: shipped, inRepository, excluded: (files?.length ?? 0) - shipped.length };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
