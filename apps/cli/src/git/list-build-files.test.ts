import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { anchorPatterns, listBuildFiles } from "./list-build-files.js";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

const app = {
  ".gitignore": "secret.env\nlogs/\n",
  "server.js": "",
  "secret.env": "TOKEN=x",
  "logs/1.log": "",
  "keep.log": "",
  "debug.log": "",
  "fixtures/a.json": "",
  "sub/fixtures/b.json": "",
  "sub/.gitignore": "local.txt\n",
  "sub/local.txt": "",
};

describe("anchorPatterns", () => {
  it("anchors patterns with an inner slash at the app's directory, and leaves the others matching anywhere", () => {
    expect(anchorPatterns(["*.log", "dist/", "/fixtures/", "src/gen", "!/keep"], "apps/web/")).toEqual([
      "*.log",
      "dist/",
      "/apps/web/fixtures/",
      "/apps/web/src/gen",
      "!/apps/web/keep",
    ]);
    expect(anchorPatterns(["/fixtures/"], "")).toEqual(["/fixtures/"]);
  });
});

describe("listBuildFiles", () => {
  it("applies .gitignore files outside a git repository, says provenance is missing, and applies exclude", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-files-"));
    await tree(dir, app);
    const plain = await listBuildFiles(dir, []);
    expect(plain.inRepository).toBe(false);
    expect(plain.files.sort()).toEqual(
      [
        ".gitignore",
        "debug.log",
        "fixtures/a.json",
        "keep.log",
        "server.js",
        "sub/.gitignore",
        "sub/fixtures/b.json",
      ].sort(),
    );
    const excluded = await listBuildFiles(dir, ["*.log", "!keep.log", "/fixtures/"]);
    expect(excluded.files.sort()).toEqual(
      [".gitignore", "keep.log", "server.js", "sub/.gitignore", "sub/fixtures/b.json"].sort(),
    );
    expect(excluded.excluded).toBe(2);
  });

  it("applies exclude to tracked files too, anchored at an app in a subdirectory", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-files-"));
    const appDir = join(dir, "apps", "web");
    await tree(appDir, app);
    const run = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
    run("init", "-q");
    run("add", "-A");
    run("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init");
    const listed = await listBuildFiles(appDir, ["/fixtures/", "debug.log"]);
    expect(listed.inRepository).toBe(true);
    expect(listed.files.sort()).toEqual(
      [".gitignore", "keep.log", "server.js", "sub/.gitignore", "sub/fixtures/b.json"].sort(),
    );
  });
});
