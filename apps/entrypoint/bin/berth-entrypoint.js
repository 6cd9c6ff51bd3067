#!/usr/bin/env node
// Runs the esbuild bundle in ../dist (built by `npm run build`); node-pty loads only when an exec needs it.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/berth-entrypoint.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "berth-entrypoint: apps/entrypoint/dist/berth-entrypoint.js is missing: run `npm run build` first\n",
  );
  process.exit(1);
}
await import(bundle.href);
