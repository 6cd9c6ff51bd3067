// Before `npm run bench`: the peers and load generator it measures against come from Debian (nginx, haproxy, wrk) and the
// browser figures need chromium. Installed when we are root, else a one-line instruction (as for `npm test`).
import { ensureBundles, ensureSystemPackages } from "../scripts/ensure-deps.mjs";

try {
  ensureSystemPackages({ nginx: "nginx-light", wrk: "wrk", haproxy: "haproxy", chromium: "chromium" });
  // The bench runs `berth` and berth-entrypoint, which run their bundles.
  ensureBundles();
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
