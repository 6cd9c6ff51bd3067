import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { list } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { createArchiveBuilder } from "./archive-builder.js";
import type { BuildInput } from "./builder.js";
import { UnsafeLinksError } from "./check-tree-links.js";
import { restoreNodeModules, saveNodeModules, withoutInstallSteps } from "./node-modules-cache.js";

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

  it("never shares the node_modules cache through links a build can write through", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    const first = join(dir, "first");
    const second = join(dir, "second");
    await mkdir(join(first, "node_modules", "dep"), { recursive: true });
    await mkdir(second);
    await writeFile(join(first, "node_modules", "dep", "index.js"), "module.exports = 1;\n");
    await saveNodeModules(join(dir, "cache"), "k", first);
    // The first build goes on writing into its own node_modules after the save…
    await writeFile(join(first, "node_modules", "dep", "index.js"), "tampered by build 1\n");
    expect(await restoreNodeModules(join(dir, "cache"), "k", second)).toBe(true);
    expect(await readFile(join(second, "node_modules", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
    // …and a build that restored from the cache writes into its copy: neither reaches the cache.
    await writeFile(join(second, "node_modules", "dep", "index.js"), "tampered by build 2\n");
    expect(await readFile(join(dir, "cache", "node_modules", "k", "dep", "index.js"), "utf8")).toBe(
      "module.exports = 1;\n",
    );
  });
});
