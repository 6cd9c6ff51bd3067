#!/usr/bin/env node
// The `berth` binary: runs the esbuild bundle in ../dist (built by `npm run build`), from any cwd.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/berth.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("berth: apps/cli/dist/berth.js is missing: run `npm run build` first\n");
  process.exit(1);
}
await import(bundle.href);
