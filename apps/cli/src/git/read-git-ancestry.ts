import { readFile } from "node:fs/promises";
import { git } from "./read-git-info.js";

/** One commit of HEAD's first-parent history. */
export interface AncestorCommit {
  sha: string;
  /** The first parent's SHA; "" for a root commit. */
  parentSha: string;
  author: string;
  /** The first line of the message. */
  subject: string;
  /** Epoch ms. */
  commitTimeMs: number;
}

/** How many commits `berth up` sends: enough to link deployments made a while apart, bounded per request. */
export const ancestryLimit = 100;

const fieldCount = 5;
const sha1 = /^[0-9a-f]{40}$/;

/**
 * HEAD's first-parent ancestry, newest first (HEAD included), at most `limit` commits, so that the server can
 * list the commits between deployments. Outside a repository, before the first commit or on any error: none.
 */
export async function readGitAncestry(
  dir: string,
  signal?: AbortSignal,
  limit = ancestryLimit,
): Promise<AncestorCommit[]> {
  // NUL between fields and (with -z) between records: no commit message or name can hold a NUL.
  const out = await git(
    dir,
    [
      "log",
      "--first-parent",
      "-z",
      `-n${limit}`,
      "--format=%H%x00%P%x00%an <%ae>%x00%ct%x00%s",
      "HEAD",
      "--",
    ],
    signal,
  );
  if (!out) return [];
  const fields = out.split("\0");
  const commits: AncestorCommit[] = [];
  for (let i = 0; i + fieldCount <= fields.length; i += fieldCount) {
    const [sha = "", parents = "", author = "", time = "0", subject = ""] = fields.slice(i, i + fieldCount);
    commits.push({
      sha: sha.trim(),
      parentSha: parents.trim().split(" ")[0] ?? "",
      author: author.slice(0, 255),
      subject: subject.slice(0, 1024),
      commitTimeMs: Number(time) * 1000,
    });
  }
  // SHA-256 repositories or unexpected output: send nothing rather than fail the request.
  if (commits.some((c) => !sha1.test(c.sha) || (c.parentSha !== "" && !sha1.test(c.parentSha)))) return [];
  return withoutShallowBoundary(dir, commits, signal);
}

/**
 * In a shallow clone the oldest fetched commits look like roots; recording them as such would later call
 * related deployments unrelated, so they are left out (their parent is unknown, not absent).
 */
async function withoutShallowBoundary(
  dir: string,
  commits: AncestorCommit[],
  signal?: AbortSignal,
): Promise<AncestorCommit[]> {
  if ((await git(dir, ["rev-parse", "--is-shallow-repository"], signal))?.trim() !== "true") return commits;
  const path = (
    await git(dir, ["rev-parse", "--path-format=absolute", "--git-path", "shallow"], signal)
  )?.trim();
  const shallow = path ? await readFile(path, "utf8").catch(() => "") : "";
  const boundary = new Set(shallow.split("\n").map((s) => s.trim()));
  return commits.filter((c) => !boundary.has(c.sha));
}
