import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { childEnv } from "../sandbox/child-env.js";
import { redactSecrets } from "./redact-secrets.js";

export interface GitRunOptions {
  /** Extra environment (credentials travel as GIT_CONFIG_* here, never in argv or a stored URL). */
  env: Record<string, string>;
  /** Values to mask in every line and error (the token, the header carrying it). */
  secrets: readonly string[];
  signal: AbortSignal;
  cwd?: string;
  /** Each stderr line (progress, warnings), redacted. */
  onLine?: (line: string) => void;
  /** Pipe stdout here instead of collecting it (an archive); the promise then resolves with an empty buffer. */
  stdout?: NodeJS.WritableStream;
}

/** Lines of git's stderr kept for the error message: its reason is in the last few. */
const keptLines = 8;

/**
 * Runs `git args…` without a terminal (no prompt can hang a build) and resolves with its stdout; a failure
 * rejects with git's own reason from stderr, secrets redacted.
 */
export function runGit(args: string[], o: GitRunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: o.cwd,
      env: childEnv({
        ...o.env,
        GIT_TERMINAL_PROMPT: "0",
        GIT_ASKPASS: "true",
        GIT_SSH_COMMAND: "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new",
        // A repository's own hooks or config never run on the server: no system or global config either.
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
      }),
      stdio: ["ignore", "pipe", "pipe"],
      signal: o.signal,
      killSignal: "SIGKILL",
    });
    const out: Buffer[] = [];
    const tail: string[] = [];
    if (o.stdout) child.stdout.pipe(o.stdout);
    else child.stdout.on("data", (b: Buffer) => out.push(b));
    createInterface({ input: child.stderr }).on("line", (raw) => {
      const line = redactSecrets(raw, o.secrets);
      tail.push(line);
      if (tail.length > keptLines) tail.shift();
      o.onLine?.(line);
    });
    child.on("error", (err) =>
      reject(new Error(`git could not run: ${redactSecrets(err.message, o.secrets)}`, { cause: err })),
    );
    child.on("close", (code) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const reason = tail.filter((l) => l.trim() !== "").join("\n") || `git exited with code ${code}`;
      reject(new Error(reason));
    });
  });
}
