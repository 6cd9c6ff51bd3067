// A bundled source's `import.meta.url` still names that source, so paths relative to it (the server's path to
// berth-entrypoint, the BFF's web dist) resolve as they do under tsx.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { sourceUrlPlugin } from "./source-url-plugin.mjs";

describe("sourceUrlPlugin", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("rewrites import.meta.url in our sources to the source file, relative to where the bundle lives", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-source-url-"));
    dirs.push(root);
    mkdirSync(join(root, "app/src/deep"), { recursive: true });
    writeFileSync(
      join(root, "app/src/deep/where.ts"),
      'export const sibling = new URL("../../assets/x.txt", import.meta.url).pathname;\n',
    );
    writeFileSync(
      join(root, "app/src/main.ts"),
      'import { sibling } from "./deep/where.js";\nconsole.log(JSON.stringify({ sibling, main: import.meta.url }));\n',
    );
    const dist = join(root, "app/dist");
    await build({
      absWorkingDir: root,
      entryPoints: ["app/src/main.ts"],
      outdir: dist,
      bundle: true,
      format: "esm",
      platform: "node",
      plugins: [sourceUrlPlugin(dist)],
      logLevel: "silent",
    });
    const out = JSON.parse(execFileSync(process.execPath, [join(dist, "main.js")], { encoding: "utf8" })) as {
      sibling: string;
      main: string;
    };
    expect(out.sibling).toBe(join(root, "app/assets/x.txt"));
    expect(out.main).toBe(`file://${join(root, "app/src/main.ts")}`);
  });
});
