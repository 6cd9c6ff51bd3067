import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sourceInProjectTree } from "./source-in-project-tree.js";

const root = mkdtempSync(join(tmpdir(), "berth-source-tree-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function repo(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: dir });
  return dir;
}

describe("sourceInProjectTree", () => {
  const project = repo(join(root, "project"));
  mkdirSync(join(project, "deploy"));
  mkdirSync(join(project, "web"));
  repo(join(project, "deploy", "vendored"));

  it("is true for the berth.hcl directory itself and a directory below it in the same repository", async () => {
    expect(await sourceInProjectTree(project, undefined)).toBe(true);
    expect(await sourceInProjectTree(project, "web")).toBe(true);
  });

  it("is false for a path outside the berth.hcl directory, whose edits its git status never saw", async () => {
    expect(await sourceInProjectTree(join(project, "deploy"), "../web")).toBe(false);
    expect(await sourceInProjectTree(join(project, "deploy"), join(project, "web"))).toBe(false);
  });

  it("is false for a nested repository, whose commits never move the project's SHA", async () => {
    expect(await sourceInProjectTree(join(project, "deploy"), "vendored")).toBe(false);
  });

  it("is false outside any repository", async () => {
    const plain = join(root, "plain");
    mkdirSync(plain);
    expect(await sourceInProjectTree(plain, undefined)).toBe(false);
  });
});
