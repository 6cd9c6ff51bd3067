// The mirror cache against real git: a bare repository in a temp dir, cloned once, fetched after.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportTree, mirrorDirOf, readCommit, resolveCommit, syncMirror } from "./mirror-cache.js";

let work: string;
let tree: string;
let url: string;
const access = { env: {}, secrets: [], signal: new AbortController().signal };

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=Ada", "-c", "user.email=ada@example.com", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8" },
  ).trim();
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "berth-mirror-"));
  tree = join(work, "tree");
  mkdirSync(join(tree, "apps/web"), { recursive: true });
  writeFileSync(join(tree, "README.md"), "root\n");
  writeFileSync(join(tree, "apps/web/server.js"), "v1\n");
  git(tree, "init", "-q");
  git(tree, "add", "-A");
  git(tree, "commit", "-q", "-m", "one");
  git(work, "clone", "-q", "--bare", tree, join(work, "repo.git"));
  url = `file://${join(work, "repo.git")}`;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("mirror cache", () => {
  it("clones once, fetches new commits after, and resolves refs and SHAs", async () => {
    const cache = join(work, "cache");
    const dir = await syncMirror(cache, url, access);
    expect(dir).toBe(mirrorDirOf(cache, url));
    const one = git(tree, "rev-parse", "HEAD");
    expect(await resolveCommit(dir, "main", "", access)).toBe(one);

    writeFileSync(join(tree, "apps/web/server.js"), "v2\n");
    git(tree, "commit", "-q", "-am", "two\n\nwith a body");
    git(tree, "push", "-q", join(work, "repo.git"), "main");
    const two = git(tree, "rev-parse", "HEAD");
    // Not fetched yet: the pushed SHA is unknown to the mirror.
    await expect(resolveCommit(dir, "main", two, access)).rejects.toThrow(
      `commit ${two} is not in the repository`,
    );
    expect(await syncMirror(cache, url, access)).toBe(dir);
    expect(await resolveCommit(dir, "main", "", access)).toBe(two);
    expect(await resolveCommit(dir, "main", one, access)).toBe(one);
    await expect(resolveCommit(dir, "nope", "", access)).rejects.toThrow('no branch or tag "nope"');
    expect(readdirSync(cache)).toEqual([`${dir.split("/").at(-1)}`]);

    expect(await readCommit(dir, two, access)).toMatchObject({
      sha: two,
      author: "Ada <ada@example.com>",
      message: "two\n\nwith a body",
    });
  });

  it("exports the repository's root or a directory of a commit, and refuses a missing one", async () => {
    const dir = await syncMirror(join(work, "cache"), url, access);
    const sha = await resolveCommit(dir, "main", "", access);
    const root = join(work, "out-root");
    await exportTree(dir, sha, ".", root, access);
    expect(readFileSync(join(root, "README.md"), "utf8")).toBe("root\n");
    expect(readdirSync(root)).not.toContain(".git");
    const sub = join(work, "out-sub");
    await exportTree(dir, sha, "apps/web", sub, access);
    expect(readdirSync(sub)).toEqual(["server.js"]);
    await expect(exportTree(dir, sha, "apps/api", join(work, "out-none"), access)).rejects.toThrow(
      'has no directory "apps/api"',
    );
  });

  it("fails a clone of a missing repository with git's reason", async () => {
    await expect(
      syncMirror(join(work, "cache2"), `file://${join(work, "missing.git")}`, access),
    ).rejects.toThrow(/does not exist|not a git repository|Could not read/);
    // No half-made mirror is left behind to be "fetched" next time.
    expect(readdirSync(join(work, "cache2"))).toEqual([]);
  });
});
