#!/usr/bin/env node
// The `berth` binary: runs the TypeScript sources through tsx, from any cwd (paths resolve from this file).
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/main.ts", import.meta.url).href);
