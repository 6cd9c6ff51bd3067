// One server replica of the HA quickstart: `berth server run` on the shared PostgreSQL store as its own child
// process (its own data dir and API port, no URL router of its own), so that one can be SIGKILLed while the others
// and the router carry on. Its output goes to <logDir>/<name>.log.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./demo-app.js";

const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

export interface ReplicaProcessOptions {
  /** replica-1, replica-2…: names its data dir and log file. */
  name: string;
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  apiPort: number;
  /** The port the router process listens on: app URLs name it. */
  routerPort: number;
  store: string;
  logDir: string;
}

export interface ReplicaProcess {
  name: string;
  dataDir: string;
  apiUrl: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with [code, signal] once the process is gone. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** SIGTERM (a clean stop: it marks itself stopped in the registry) and wait; nothing if it is gone already. */
  stop(): Promise<void>;
}

/** Spawns `berth server run` and resolves at its ready line (rejects, naming its log, if it exits first). */
export async function startReplicaProcess(options: ReplicaProcessOptions): Promise<ReplicaProcess> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const log = openSync(logFile, "a");
  const args = ["server", "run", "--data-dir", options.dataDir, "--host", options.host];
  args.push("--port", String(options.apiPort), "--router-port", String(options.routerPort));
  args.push("--router", "none", "--store", options.store);
  const child = spawn(process.execPath, [berthBin, ...args], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", log],
    // Its own process group: a Ctrl-C in the terminal reaches only the quickstart, which then stops each replica
    // once (a second signal would make `berth server run` exit without its clean stop).
    detached: true,
  });
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  // Whoever started us may exit without stopping the replicas (process.exit in a signal handler): take them along.
  const orphanGuard = () => child.kill("SIGTERM");
  process.once("exit", orphanGuard);
  void exited.then(() => process.removeListener("exit", orphanGuard));
  const ready = await new Promise<{ apiUrl: string }>((resolve, reject) => {
    exited.then(([code, signal]) => {
      // Its log may be deleted with a temp data dir before anyone reads it: the error carries its tail.
      const tail = readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
      reject(
        new Error(
          `${options.name} (berth server run) exited with ${code ?? signal} before it was ready; the end of ${logFile}:\n${tail}`,
        ),
      );
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as { apiUrl: string });
    });
  });
  return {
    name: options.name,
    dataDir: options.dataDir,
    apiUrl: ready.apiUrl,
    pid: child.pid ?? 0,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited;
    },
  };
}
