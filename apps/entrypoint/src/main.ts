import { setFlagsFromString } from "node:v8";
import { installLightHeaders } from "./light-headers.js";
import { readHandover } from "./read-handover.js";
import { runEntrypoint } from "./run-entrypoint.js";

const log = (message: string) => process.stderr.write(`berth-entrypoint: ${message}\n`);

// Before the gRPC client loads: Node's own Headers would load undici (see light-headers.ts).
installLightHeaders();

try {
  // We keep root to watch over an app that runs as another user: root's supplementary groups must not reach
  // the app's terminal sessions (node-pty sets uid and gid but not the group list).
  if (process.env.BERTH_APP_UID !== undefined && process.getuid?.() === 0) process.setgroups?.([]);
  const handover = readHandover(process.env);
  const running = runEntrypoint({
    argv: process.argv.slice(2),
    env: process.env,
    token: handover.token,
    appEnv: handover.appEnv,
    cwd: process.cwd(),
    log,
    echo: { stdout: process.stdout, stderr: process.stderr },
    // V8 grows the young generation up to 16 MB semi-spaces (~48 MB) under a log flood and keeps it; this keeps
    // it at 1 MB. Set at run time, once the modules are loaded: a V8 flag on the command line would make Node
    // reject its built-in code cache (~20 ms more CPU per start).
    onClientLoaded: () => setFlagsFromString("--semi-space-growth-factor=1"),
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => running.kill(signal));
  }
  process.exitCode = await running.exit;
  // Open handles (an HTTP/2 session in backoff) must not keep us alive once the app is gone.
  process.exit();
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
