// Vitest globalSetup: tests spawn the real `berth` and `berth-entrypoint` bins, which run the bundles. A run of one
// test file on a fresh clone (or after editing a source) builds them first; when they are fresh this is an mtime walk.
import { ensureBundles } from "../ensure-deps.mjs";

/** Builds the CLI and entrypoint bundles when missing or stale. */
export default function setup() {
  ensureBundles();
}
