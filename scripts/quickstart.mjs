// The README's first command (`npm start`): installs what is missing on a fresh clone (npm packages, the
// dashboard build, the CLI and entrypoint bundles), then runs the quickstart driver (scripts/quickstart/main.ts) with tsx.
// Only Node built-ins before ensureNodeModules(): node_modules may not exist yet.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ensureBundles, ensureNodeModules, ensureWebBuild, root } from "./ensure-deps.mjs";

try {
  ensureNodeModules();
  ensureWebBuild();
  ensureBundles();
} catch (e) {
  console.error(`quickstart: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ["--import", "tsx", join(root, "scripts/quickstart/main.ts"), ...process.argv.slice(2)],
  { cwd: root, stdio: "inherit" },
);
// Ctrl-C in a terminal reaches the child too (same process group); a signal sent to this pid alone
// (a supervisor, a test) is passed on. The driver stops once however many times it is told.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
