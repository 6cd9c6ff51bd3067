import { readToken } from "./read-token.js";
import { runEntrypoint } from "./run-entrypoint.js";

const log = (message: string) => process.stderr.write(`berth-entrypoint: ${message}\n`);

try {
  const running = runEntrypoint({
    argv: process.argv.slice(2),
    env: process.env,
    token: readToken(process.env),
    cwd: process.cwd(),
    log,
    echo: { stdout: process.stdout, stderr: process.stderr },
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
