// The first-parent commit history CLIs report when they queue jobs, stored per project, and the walk that
// lists the commits between two deployments.
import { type GitCommit, GitCommitSchema, type ListCommitsBetweenResponse } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { type Kysely, sql } from "kysely";
import { optionalTimestamp } from "../catalog/to-proto.js";
import type { Database } from "../store/schema.js";
import { type ChainCommit, type CommitChain, commitsBetween } from "./commits-between.js";

/** How far back each side's walk goes before giving up on finding a common commit. */
export const commitWalkLimit = 200;

/** Records commits of a project's history; commits never change, so known ones are left as they are. */
export async function recordCommits(
  db: Kysely<Database>,
  project: string,
  commits: readonly GitCommit[],
): Promise<void> {
  if (commits.length === 0) return;
  await db
    .insertInto("git_commits")
    .values(
      commits.map((c) => ({
        project,
        sha: c.sha,
        parent_sha: c.parentSha,
        author: c.author,
        subject: c.subject,
        commit_time: c.commitTime ? Number(c.commitTime.seconds) * 1000 : null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

interface ChainRow {
  sha: string;
  parent_sha: string;
  author: string;
  subject: string;
  commit_time: number | null;
}

/** The recorded first-parent chain from `sha` (included), newest first, at most `limit` commits. */
export async function loadCommitChain(
  db: Kysely<Database>,
  project: string,
  sha: string,
  limit = commitWalkLimit,
): Promise<CommitChain> {
  if (!sha) return { commits: [], end: "missing" };
  // The depth bound also ends a cycle, should a client ever report one.
  const { rows } = await sql<ChainRow>`
    WITH RECURSIVE chain(sha, parent_sha, author, subject, commit_time, depth) AS (
      SELECT sha, parent_sha, author, subject, commit_time, 1
        FROM git_commits WHERE project = ${project} AND sha = ${sha}
      UNION ALL
      SELECT c.sha, c.parent_sha, c.author, c.subject, c.commit_time, chain.depth + 1
        FROM chain JOIN git_commits c ON c.project = ${project} AND c.sha = chain.parent_sha
        WHERE chain.depth < ${limit}
    )
    SELECT sha, parent_sha, author, subject, commit_time FROM chain ORDER BY depth`.execute(db);
  const commits: ChainCommit[] = rows.map((r) => ({
    sha: r.sha,
    parentSha: r.parent_sha,
    author: r.author,
    subject: r.subject,
    commitTimeMs: r.commit_time,
  }));
  const last = commits.at(-1);
  const end = !last
    ? "missing"
    : last.parentSha === ""
      ? "root"
      : commits.length >= limit
        ? "bound"
        : "missing";
  return { commits, end };
}

const toCommitProto = (c: ChainCommit): GitCommit =>
  create(GitCommitSchema, {
    sha: c.sha,
    parentSha: c.parentSha,
    author: c.author,
    subject: c.subject,
    commitTime: optionalTimestamp(c.commitTimeMs),
  });

/** The commits between two commits of a project's recorded history (see ListCommitsBetween). */
export async function listCommitsBetween(
  db: Kysely<Database>,
  project: string,
  fromSha: string,
  toSha: string,
): Promise<Omit<ListCommitsBetweenResponse, "$typeName">> {
  const [from, to] = await Promise.all([
    loadCommitChain(db, project, fromSha),
    loadCommitChain(db, project, toSha),
  ]);
  const r = commitsBetween(fromSha, from, toSha, to);
  return {
    added: r.added.map(toCommitProto),
    removed: r.removed.map(toCommitProto),
    truncated: r.truncated,
    unrelated: r.unrelated,
    historyMissing: r.historyMissing,
  };
}
