import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { berthBin } from "./run-berth.js";

/** What `berth server run` prints on its machine-readable ready line. */
export interface ServerReady {
  apiUrl: string;
  routerPort: number;
  bootstrapToken?: string;
}

/** `berth server run` as a child process (the real binary), to be killed and restarted by a test. */
export interface ServerProcess {
  child: ChildProcess;
  ready: ServerReady;
  /** Resolves once the process is gone. */
  exited: Promise<unknown>;
  stderr(): string;
}

/** A port that was free a moment ago, so that a restarted server listens where its entrypoints dial. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Starts `berth server run` on fixed ports and resolves at its ready line (rejects if it exits first). Its apps
 * stop with it on SIGTERM/SIGINT (--stop-apps-on-exit) unless `stopAppsOnExit` is false (production behaviour).
 */
export async function startServerProcess(options: {
  dataDir: string;
  apiPort: number;
  routerPort: number;
  env: NodeJS.ProcessEnv;
  /** More flags for `berth server run` (e.g. `--router none`). */
  extraArgs?: string[];
  stopAppsOnExit?: boolean;
}): Promise<ServerProcess> {
  const args = ["server", "run", "--data-dir", options.dataDir, "--port", String(options.apiPort)];
  if (options.stopAppsOnExit !== false) args.push("--stop-apps-on-exit");
  // A first start names its bootstrap admin token on the ready line only when asked to.
  args.push("--print-token-json");
  args.push("--router-port", String(options.routerPort), ...(options.extraArgs ?? []));
  const child = spawn(process.execPath, [berthBin, ...args], {
    env: { ...options.env, BERTH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  const exited = once(child, "exit");
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    exited.then(() => reject(new Error(`berth server run exited before it was ready:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith('{"event":"ready"')) resolve(JSON.parse(line) as ServerReady);
    });
  });
  return { child, ready, exited, stderr: () => stderr };
}

/** Sends `signal` and waits until the process is gone. */
export async function killProcess(server: ServerProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}
