import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { list } from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { createArchiveBuilder } from "./archive-builder.js";
import type { BuildInput } from "./builder.js";
import { withoutInstallSteps } from "./node-modules-cache.js";

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
