#!/usr/bin/env node
// The BFF as its own process (`npm start -w @berth/bff`): runs the esbuild bundle in ../dist (built by `npm run build`).
import { existsSync } from "node:fs";

const bundle = new URL("../dist/berth-bff.js", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("berth-bff: apps/bff/dist/berth-bff.js is missing: run `npm run build` first\n");
  process.exit(1);
}
await import(bundle.href);
