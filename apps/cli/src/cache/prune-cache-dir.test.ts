import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { filesToPrune, pruneCacheDir } from "./prune-cache-dir.js";

const now = 1_800_000_000_000;

describe("filesToPrune", () => {
  it("keeps the newest entries and drops the rest, oldest included", () => {
    const files = [
      { name: "a.json", mtimeMs: now - 3000 },
      { name: "b.json", mtimeMs: now - 1000 },
      { name: "c.json", mtimeMs: now - 2000 },
      { name: "d.json", mtimeMs: now },
    ];
    expect(filesToPrune(files, { keep: 2, suffix: ".json", now }).sort()).toEqual(["a.json", "c.json"]);
  });

  it("drops temp files only once they are old, and never touches other files", () => {
    const files = [
      { name: "x.json.1.ab.tmp", mtimeMs: now - 11 * 60_000 },
      { name: "y.json.2.cd.tmp", mtimeMs: now - 1000 },
      { name: "README", mtimeMs: 0 },
      { name: "e.json", mtimeMs: now },
    ];
    expect(filesToPrune(files, { keep: 10, suffix: ".json", now })).toEqual(["x.json.1.ab.tmp"]);
  });

  it("keeps nothing with keep 0 or below, and everything under the bound", () => {
    const files = [{ name: "a.json", mtimeMs: now }];
    expect(filesToPrune(files, { keep: 0, suffix: ".json", now })).toEqual(["a.json"]);
    expect(filesToPrune(files, { keep: -1, suffix: ".json", now })).toEqual(["a.json"]);
    expect(filesToPrune(files, { keep: 1, suffix: ".json", now })).toEqual([]);
  });
});

describe("pruneCacheDir", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("deletes what filesToPrune names, by mtime on disk, and ignores subdirectories", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-prune-"));
    dirs.push(dir);
    for (const [i, name] of ["old.json", "mid.json", "new.json"].entries()) {
      writeFileSync(join(dir, name), "{}");
      const t = new Date(now + i * 1000);
      utimesSync(join(dir, name), t, t);
    }
    // A directory named like an entry is not ours to delete.
    mkdirSync(join(dir, "sub.json"));
    await pruneCacheDir(dir, { keep: 1, suffix: ".json", now: now + 5000 });
    expect(readdirSync(dir).sort()).toEqual(["new.json", "sub.json"]);
  });

  it("does nothing for a directory that does not exist", async () => {
    await expect(
      pruneCacheDir(join(tmpdir(), "berth-prune-missing-x9"), { keep: 1, suffix: ".json" }),
    ).resolves.toBeUndefined();
  });
});
