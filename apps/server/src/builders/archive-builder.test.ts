import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { list } from "tar";
import { ulid } from "ulid";
import { afterEach, describe, expect, it } from "vitest";
import { createArchiveBuilder } from "./archive-builder.js";
import type { BuildInput } from "./builder.js";
import { UnsafeLinksError } from "./check-tree-links.js";
import {
  borrowNodeModules,
  nodeModulesKey,
  saveNodeModules,
  withoutInstallSteps,
} from "./node-modules-cache.js";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("withoutInstallSteps", () => {
  it("drops npm/yarn/pnpm installs and keeps the rest", () => {
    expect(withoutInstallSteps("npm ci --omit=dev && npm run build")).toBe("npm run build");
    expect(withoutInstallSteps("yarn install && pnpm i")).toBe("");
    expect(withoutInstallSteps("npm run build")).toBe("npm run build");
  });
});

describe("archive builder", () => {
  it("ships only the listed files, reuses node_modules by lockfile, and is reproducible", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const src = join(dir, "src");
    await mkdir(join(src, "node_modules", "stale"), { recursive: true });
    await writeFile(join(src, "server.js"), "console.log('hi')");
    await writeFile(join(src, "secret.env"), "not tracked");
    await writeFile(join(src, "package.json"), '{"name":"x"}');
    await writeFile(join(src, "package-lock.json"), '{"lockfileVersion":3}');
    const lines: string[] = [];
    const steps: string[] = [];
    const input = (): BuildInput => ({
      sourceDir: src,
      files: ["server.js", "package.json", "package-lock.json"],
      // The "install" creates node_modules; on a cache hit it is skipped and node_modules comes from the cache.
      options: {
        command:
          "npm ci --no-audit || true; mkdir -p node_modules/dep && echo v1 > node_modules/dep/index.js && echo built",
      },
      env: {},
      workDir: join(dir, "work"),
      cacheDir: join(dir, "cache"),
      output: {
        step: (name) => steps.push(name),
        stepDone: (name, detail) => steps.push(`${name}:${detail ?? ""}`),
        line: (_s, text) => lines.push(text),
      },
      signal: new AbortController().signal,
    });
    const builder = createArchiveBuilder();
    const first = await builder.build(input());
    const entries: string[] = [];
    await list({ file: first.path, onReadEntry: (e) => entries.push(e.path) });
    expect(entries.filter((e) => !e.endsWith("/"))).toEqual(
      expect.arrayContaining(["node_modules/dep/index.js", "package-lock.json", "package.json", "server.js"]),
    );
    expect(entries).not.toContain("secret.env");
    expect(entries.some((e) => e.includes("stale"))).toBe(false);
    expect(lines).toContain("built");
    expect(steps).toContain("cache:miss");

    steps.length = 0;
    const second = await builder.build(input());
    expect(steps.some((s) => s.startsWith("cache:hit"))).toBe(true);
    expect(second.digest).toBe(first.digest);
  });
});

describe("build inputs", () => {
  const quietOutput = (steps: string[]): BuildInput["output"] => ({
    step: (name) => steps.push(name),
    stepDone: () => {},
    line: () => {},
  });

  it("refuses a chain of symlinks that leads outside the tree before running the build command", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const src = join(dir, "src");
    await mkdir(join(src, "a"), { recursive: true });
    await writeFile(join(src, "server.js"), "");
    // Each link's text stays inside ("l1/.." is "a" by text); followed, l11 is ten levels above the tree.
    await symlink("..", join(src, "a", "l1"));
    for (let i = 2; i <= 11; i++) await symlink(`l${i - 1}/..`, join(src, "a", `l${i}`));
    const steps: string[] = [];
    const err = await createArchiveBuilder()
      .build({
        sourceDir: src,
        files: ["server.js", ...Array.from({ length: 11 }, (_, i) => `a/l${i + 1}`)],
        options: { command: "touch ran" },
        env: {},
        workDir: join(dir, "work"),
        cacheDir: join(dir, "cache"),
        output: quietOutput(steps),
        signal: new AbortController().signal,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeLinksError);
    expect(String(err)).toContain('symlink "a/l2" -> "l1/.." resolves outside the tree');
    expect(steps).not.toContain("command");
  });

  it("refuses links the build command made that lead outside the tree, before packing", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const src = join(dir, "src");
    await mkdir(src);
    await writeFile(join(src, "server.js"), "");
    const steps: string[] = [];
    const err = await createArchiveBuilder()
      .build({
        sourceDir: src,
        files: ["server.js"],
        options: { command: "mkdir -p lib && ln -s ../../.. lib/up && ln -s ok.js lib/fine" },
        env: {},
        workDir: join(dir, "work"),
        cacheDir: join(dir, "cache"),
        output: quietOutput(steps),
        signal: new AbortController().signal,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeLinksError);
    expect(String(err)).toContain("the built app has links that point outside");
    expect(String(err)).toContain('symlink "lib/up"');
    expect(String(err)).not.toContain("lib/fine");
  });

  it("never shares the node_modules cache with a build that can still write into it", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const cache = join(dir, "cache");
    const first = join(dir, "first");
    const second = join(dir, "second");
    const third = join(dir, "third");
    for (const d of [second, third]) await mkdir(d);
    await mkdir(join(first, "node_modules", "dep"), { recursive: true });
    await writeFile(join(first, "node_modules", "dep", "index.js"), "module.exports = 1;\n");
    // A file the build shares with something outside it (a pnpm store, the working tree).
    const outside = join(dir, "store-file.js");
    await writeFile(outside, "store v1\n");
    await link(outside, join(first, "node_modules", "dep", "shared.js"));
    await saveNodeModules(cache, "k", first);
    await writeFile(outside, "store v2, written in place\n");
    expect(await readFile(join(cache, "node_modules", "k", "dep", "shared.js"), "utf8")).toBe("store v1\n");

    // A build that borrowed the tree holds it alone: a concurrent build of the same key misses…
    const lent = await borrowNodeModules(cache, "k", second);
    expect(lent).toBeDefined();
    expect(await borrowNodeModules(cache, "k", third)).toBeUndefined();
    expect(await readFile(join(second, "node_modules", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
    // …and a write through a link is noticed when it gives the tree back: the entry is dropped, not shared.
    await writeFile(join(second, "node_modules", "dep", "index.js"), "written by build 2\n");
    expect(await lent?.giveBack()).toBe(false);
    expect(await borrowNodeModules(cache, "k", third)).toBeUndefined();
  });

  it("takes back a borrowed tree nothing wrote into, and only then lends it again", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const cache = join(dir, "cache");
    await mkdir(join(dir, "a", "node_modules", "dep"), { recursive: true });
    await writeFile(join(dir, "a", "node_modules", "dep", "index.js"), "module.exports = 1;\n");
    await saveNodeModules(cache, "k", join(dir, "a"));
    for (const name of ["b", "c"]) {
      await mkdir(join(dir, name));
      const lent = await borrowNodeModules(cache, "k", join(dir, name));
      // The build deletes its node_modules (unlinks only) and makes its own: the cached files are untouched.
      await rm(join(dir, name, "node_modules"), { recursive: true });
      await mkdir(join(dir, name, "node_modules"));
      expect(await lent?.giveBack()).toBe(true);
    }
    expect(await readFile(join(cache, "node_modules", "k", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
  });

  it("gives the node_modules tree back to the cache after a hit, with the same artifact", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const src = join(dir, "src");
    await mkdir(src);
    await writeFile(join(src, "package.json"), '{"name":"x"}');
    await writeFile(join(src, "package-lock.json"), '{"lockfileVersion":3}');
    const steps: string[] = [];
    const build = (command: string) =>
      createArchiveBuilder().build({
        sourceDir: src,
        files: ["package.json", "package-lock.json"],
        options: { command },
        env: {},
        workDir: join(dir, "work"),
        cacheDir: join(dir, "cache"),
        output: { step: () => {}, stepDone: (n, d) => steps.push(`${n}:${d ?? ""}`), line: () => {} },
        signal: new AbortController().signal,
      });
    const first = await build(
      "mkdir -p node_modules/.bin && echo v1 > node_modules/dep.js && ln -s ../dep.js node_modules/.bin/dep",
    );
    expect(steps).toContain("cache:miss");
    // Only an install step: skipped on a hit, the tree comes from the cache and goes back for the next build.
    for (let i = 0; i < 2; i++) {
      steps.length = 0;
      const again = await build("npm ci --omit=dev");
      expect(steps.some((s) => s.startsWith("cache:hit"))).toBe(true);
      expect(steps).not.toContain("command:");
      expect(again.digest).toBe(first.digest);
    }
  });
});

describe("node_modules cache upkeep", () => {
  it("drops entries a killed build held for over a day, and leaves a running build's alone", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-cache-"));
    const entries = join(dir, "cache", "node_modules");
    const abandoned = join(entries, `k1.held-${ulid(Date.now() - 2 * 86_400_000)}`);
    const held = join(entries, `k2.held-${ulid()}`);
    for (const d of [abandoned, held]) await mkdir(join(d, "dep"), { recursive: true });
    await mkdir(join(dir, "app"));
    expect(await borrowNodeModules(join(dir, "cache"), "k3", join(dir, "app"))).toBeUndefined();
    // The sweep runs in the background of the miss.
    const deadline = Date.now() + 10_000;
    while ((await readdir(entries)).includes(basename(abandoned)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(await readdir(entries)).not.toContain(basename(abandoned));
    expect(await readdir(entries)).toContain(basename(held));
  });
});

describe("nodeModulesKey", () => {
  it("keeps the key when only the app's own version changes, and changes it with a dependency", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-key-"));
    const write = async (version: string, dep: string) => {
      await writeFile(
        join(dir, "package.json"),
        JSON.stringify({ name: "x", version, dependencies: { d: dep } }),
      );
      await writeFile(
        join(dir, "package-lock.json"),
        JSON.stringify({
          name: "x",
          version,
          packages: { "": { version }, "node_modules/d": { version: dep } },
        }),
      );
      return nodeModulesKey(dir);
    };
    const v1 = await write("1.0.0", "1.2.3");
    expect(await write("1.0.1", "1.2.3")).toBe(v1);
    expect(await write("1.0.1", "1.2.4")).not.toBe(v1);
    await writeFile(join(dir, "package-lock.json"), "not json {");
    expect(await nodeModulesKey(dir)).toMatch(/^[0-9a-f]{32}$/);
  });
});
