// Against real git repositories in temp dirs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readGitAncestry } from "./read-git-ancestry.js";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "berth-ancestry-"));
  dirs.push(dir);
  return dir;
};
const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
const commit = (dir: string, message: string, date: number) => {
  // A file per commit, so that branches merge without conflicts.
  writeFileSync(join(dir, `${date}.txt`), message);
  git(dir, "add", "-A");
  execFileSync("git", ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "commit", "-qm", message], {
    cwd: dir,
    env: { ...process.env, GIT_COMMITTER_DATE: `@${date} +0000`, GIT_AUTHOR_DATE: `@${date} +0000` },
  });
  return git(dir, "rev-parse", "HEAD");
};

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("readGitAncestry", () => {
  it("reads HEAD's first-parent history, newest first, whatever the messages hold", async () => {
    const dir = tempDir();
    git(dir, "init", "-q", "-b", "main");
    const first = commit(dir, "first", 1_700_000_000);
    const odd = commit(
      dir,
      "tab\there \u001f unit sep, <img src=x onerror=alert(1)> é\n\nbody line",
      1_700_000_060,
    );
    // A merge: the branch's commit is not on the first-parent line.
    git(dir, "checkout", "-q", "-b", "side");
    commit(dir, "on a side branch", 1_700_000_100);
    git(dir, "checkout", "-q", "main");
    commit(dir, "third", 1_700_000_120);
    git(dir, "merge", "-q", "--no-ff", "-m", "merge side", "side");
    const merge = git(dir, "rev-parse", "HEAD");
    const third = git(dir, "rev-parse", "HEAD^1");

    const ancestry = await readGitAncestry(dir);
    expect(ancestry.map((c) => c.subject)).toEqual([
      "merge side",
      "third",
      "tab\there \u001f unit sep, <img src=x onerror=alert(1)> é",
      "first",
    ]);
    expect(ancestry.map((c) => [c.sha, c.parentSha])).toEqual([
      [merge, third],
      [third, odd],
      [odd, first],
      [first, ""],
    ]);
    expect(ancestry[3]).toMatchObject({ author: "Ada <ada@example.com>", commitTimeMs: 1_700_000_000_000 });
    expect((await readGitAncestry(dir, undefined, 2)).map((c) => c.subject)).toEqual(["merge side", "third"]);
  });

  it("reads nothing outside a repository or before the first commit", async () => {
    expect(await readGitAncestry(tempDir())).toEqual([]);
    const empty = tempDir();
    git(empty, "init", "-q");
    expect(await readGitAncestry(empty)).toEqual([]);
  });

  it("leaves out a shallow clone's boundary commit, whose parent is unknown", async () => {
    const origin = tempDir();
    git(origin, "init", "-q", "-b", "main");
    commit(origin, "one", 1_700_000_000);
    commit(origin, "two", 1_700_000_060);
    const head = commit(origin, "three", 1_700_000_120);
    const clone = join(tempDir(), "clone");
    git(origin, "clone", "-q", "--depth", "2", `file://${origin}`, clone);
    const ancestry = await readGitAncestry(clone);
    expect(ancestry.map((c) => c.subject)).toEqual(["three"]);
    expect(ancestry[0]?.sha).toBe(head);
  });
});
