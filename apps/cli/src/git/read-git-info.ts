import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Provenance of a working tree: what builds, deployments and releases record. */
export interface GitProvenance {
  /** Full SHA of HEAD; "" outside a git repository or before the first commit. */
  sha: string;
  branch: string;
  author: string;
  message: string;
  /** Epoch ms of the commit, 0 when unknown. */
  commitTimeMs: number;
  /** True when tracked files differ from HEAD or untracked files exist. */
  dirty: boolean;
  /** The tag pointing exactly at HEAD, if any. */
  tag: string;
}

/** Runs git in `dir`; its stdout, or undefined when git fails (outside a repository, no git installed). */
export async function git(dir: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  try {
    const { stdout } = await exec("git", args, { cwd: dir, signal, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch {
    return undefined;
  }
}

const empty: GitProvenance = {
  sha: "",
  branch: "",
  author: "",
  message: "",
  commitTimeMs: 0,
  dirty: false,
  tag: "",
};

/** Reads provenance with the git CLI. Outside a repository every field is empty. */
export async function readGitInfo(dir: string, signal?: AbortSignal): Promise<GitProvenance> {
  const head = await git(dir, ["log", "-1", "--format=%H%x00%an <%ae>%x00%ct%x00%B"], signal);
  const status = await git(dir, ["status", "--porcelain", "--untracked-files=normal", "--", "."], signal);
  if (status === undefined) return empty;
  const dirty = status.trim().length > 0;
  if (!head) return { ...empty, dirty };
  const [sha = "", author = "", time = "0", ...rest] = head.split("\0");
  const branch = (await git(dir, ["symbolic-ref", "--short", "-q", "HEAD"], signal))?.trim() ?? "";
  const tag = (await git(dir, ["describe", "--tags", "--exact-match", "HEAD"], signal))?.trim() ?? "";
  return {
    sha: sha.trim(),
    branch,
    author,
    message: rest.join("\0").trim().slice(0, 4096),
    commitTimeMs: Number(time) * 1000,
    dirty,
    tag,
  };
}

/**
 * Files to ship from a working tree: tracked files plus untracked ones git does not ignore, minus
 * deleted ones. Paths are relative to `dir`. Outside a repository: undefined (callers copy everything).
 */
export async function listWorkingTreeFiles(dir: string, signal?: AbortSignal): Promise<string[] | undefined> {
  const out = await git(
    dir,
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
    signal,
  );
  if (out === undefined) return undefined;
  const deleted = new Set(
    ((await git(dir, ["ls-files", "-z", "--deleted", "--", "."], signal)) ?? "").split("\0").filter(Boolean),
  );
  return [...new Set(out.split("\0").filter((f) => f && !deleted.has(f)))];
}
