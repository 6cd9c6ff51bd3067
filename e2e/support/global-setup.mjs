// Before any journey: the dashboard the stacks serve must be built from the current sources
// (`npm test` builds it already; running Playwright directly would otherwise test a stale bundle).
// The stacks then serve a snapshot of it, so a rebuild during the run (another checkout's build, a
// developer's watch) cannot pull files from under a page.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBundles, ensureWebBuild, root } from "../../scripts/ensure-deps.mjs";

export default function globalSetup() {
  // The stacks run apps through berth-entrypoint and journeys may run `berth`: both run their bundles.
  ensureBundles();
  if (process.env.BERTH_WEB_DIST) return;
  ensureWebBuild();
  const snapshot = mkdtempSync(join(tmpdir(), "berth-e2e-web-"));
  cpSync(join(root, "apps/web/dist"), snapshot, { recursive: true });
  process.env.BERTH_WEB_DIST = snapshot;
  return () => rmSync(snapshot, { recursive: true, force: true });
}
