// The bundle build lock: one holder at a time, and a holder that died does not block builds forever.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireBuildLock } from "./build-lock.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));

describe("acquireBuildLock", () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-build-lock-"));
    lock = join(dir, "nested/bundle-build.lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("holds it alone until released, with our pid in it, and then lets the next one in", async () => {
    const release = await acquireBuildLock(lock);
    expect(readFileSync(lock, "utf8")).toBe(`${process.pid}\n`);
    await expect(acquireBuildLock(lock, { timeoutMs: 300, pollMs: 20 })).rejects.toThrow(
      /another bundle build still holds .*bundle-build\.lock/,
    );
    release();
    expect(existsSync(lock)).toBe(false);
    const again = await acquireBuildLock(lock, { timeoutMs: 300 });
    again();
  });

  it("takes over a lock whose holder is gone", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    await acquireBuildLock(lock).then((r) => r());
    writeFileSync(lock, `${dead.stdout}\n`);
    const release = await acquireBuildLock(lock, { timeoutMs: 300 });
    expect(readFileSync(lock, "utf8")).toBe(`${process.pid}\n`);
    release();
  });

  it("takes over an old lock with no pid in it, but waits on a fresh one (its writer may be mid-write)", async () => {
    await acquireBuildLock(lock).then((r) => r());
    writeFileSync(lock, "");
    await expect(acquireBuildLock(lock, { timeoutMs: 300, pollMs: 20 })).rejects.toThrow(/still holds/);
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    const release = await acquireBuildLock(lock, { timeoutMs: 300 });
    release();
  });

  it("release leaves a lock alone that is no longer ours", async () => {
    const release = await acquireBuildLock(lock);
    writeFileSync(lock, "1\n");
    release();
    expect(readFileSync(lock, "utf8")).toBe("1\n");
  });
});

describe("build-bundles.mjs --if-stale", () => {
  it("two builders started together on a stale bundle build it once; the second finds it fresh", async () => {
    // Stale: a source newer than the bundle (its content is unchanged).
    const now = new Date();
    utimesSync(join(repo, "apps/bff/src/main.ts"), now, now);
    const build = () =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["scripts/bundle/build-bundles.mjs", "--if-stale", "bff"], {
          cwd: repo,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => {
          stdout += d;
        });
        child.stderr.on("data", (d) => {
          stderr += d;
        });
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    const results = await Promise.all([build(), build()]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ""],
      [0, ""],
    ]);
    const builds = results
      .map((r) => r.stdout)
      .join("")
      .match(/^bundled bff in /gm);
    expect(builds).toHaveLength(1);
    const bundle = readFileSync(join(repo, "apps/bff/dist/berth-bff.js"), "utf8");
    expect(bundle).toContain("sourceMappingURL=berth-bff.js.map");
  }, 120_000);
});
