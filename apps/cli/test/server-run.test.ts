// `berth server run` as a real child process: prints the bootstrap token on the first start only, stops on Ctrl-C.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runBerth } from "./helpers/run-berth.js";

const bin = fileURLToPath(new URL("../bin/berth.js", import.meta.url));

interface Started {
  child: ChildProcess;
  ready: { apiUrl: string; bootstrapToken?: string };
  stderr: () => string;
}

function startBerthServer(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [bin, "server", "run", "--data-dir", dataDir, "--port", "0", "--router-port", "0"],
    {
      env: { ...process.env, BERTH_LOG_LEVEL: "silent", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let err = "";
  child.stderr!.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${err}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes('"event":"ready"')) resolve({ child, ready: JSON.parse(line), stderr: () => err });
    });
  });
}

/** How the child ended: "exit 0", "signal SIGKILL"... */
function exitOf(child: ChildProcess): Promise<string> {
  const describe = (code: number | null, signal: string | null) =>
    signal ? `signal ${signal}` : `exit ${code}`;
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(describe(child.exitCode, child.signalCode));
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(describe(code, signal))));
}

describe("berth server run", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-server-run-"));
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });

  it("prints the bootstrap token once, stops cleanly on SIGINT, and keeps it secret on the next start", async () => {
    const configDir = mkdtempSync(join(tmpdir(), "berth-server-run-config-"));
    try {
      const first = await startBerthServer(dataDir);
      children.push(first.child);
      expect(first.ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // The ready line on stdout (often a log file) carries no token unless --print-token-json asks for it.
      expect(first.ready).not.toHaveProperty("bootstrapToken");
      const token = first.stderr().match(/\bberth_[A-Za-z0-9_-]+/)?.[0];
      expect(token, first.stderr()).toBeDefined();
      // The login line it suggests has no token in argv: the token is pasted at the prompt (or piped in).
      expect(first.stderr()).toContain(`berth login --server ${first.ready.apiUrl}\n`);
      expect(first.stderr()).not.toContain("--token");
      const login = await runBerth(["login", "--server", first.ready.apiUrl], {
        env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
        timeout: 20_000,
        input: `${token}\n`,
      });
      expect(login.stderr).toBe("");
      expect(login.stdout).toContain("as bootstrap (admin)");
      first.child.kill("SIGINT");
      expect(await exitOf(first.child), first.stderr()).toBe("exit 0");

      const second = await startBerthServer(dataDir);
      children.push(second.child);
      expect(second.ready.bootstrapToken).toBeUndefined();
      expect(second.stderr()).not.toContain("berth_");
      second.child.kill("SIGTERM");
      expect(await exitOf(second.child), second.stderr()).toBe("exit 0");
    } finally {
      rmSync(configDir, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-apps`, { recursive: true, force: true });
    }
  });
});
