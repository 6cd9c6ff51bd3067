// esbuild plugin: `import.meta.url` in a bundled source file keeps meaning that source file. Code that finds files
// relative to itself (the server's path to berth-entrypoint, the BFF's default web dist) then resolves them as it does
// under tsx, as long as the bundle sits in its apps/<name>/dist directory of the repository.
import { readFile } from "node:fs/promises";
import { relative } from "node:path";

/** Rewrites `import.meta.url` in our sources (not in node_modules) for a bundle that will live in `distDir`. */
export function sourceUrlPlugin(distDir) {
  return {
    name: "source-url",
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const source = await readFile(args.path, "utf8");
        if (!source.includes("import.meta.url")) return undefined;
        // Every output file (entry or chunk) is written to distDir itself, so one relative path fits them all.
        const fromDist = relative(distDir, args.path).split("\\").join("/");
        const contents = source.replaceAll(
          "import.meta.url",
          `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`,
        );
        return { contents, loader: args.path.endsWith(".tsx") ? "tsx" : "ts" };
      });
    },
  };
}
