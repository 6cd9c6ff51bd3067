// The quickstart's URL router: `berth router run` as its own process, as production runs it, so app URLs keep
// answering while the server restarts. Its log goes to <logDir>/router.log.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot } from "./demo-app.js";

const berthBin = join(repoRoot, "apps/cli/bin/berth.js");

export interface RouterChild {
  child: ChildProcess;
  port: number;
  /** SIGTERM, then waits until it is gone (requests in flight get a moment). */
  stop(): Promise<void>;
}

/** A port that was free a moment ago: app URLs must name the router's port before the router listens. */
export async function freePort(host: string): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, "listening");
  const address = probe.address();
  probe.close();
  await once(probe, "close");
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export async function startRouterProcess(options: {
  serverUrl: string;
  host: string;
  port: number;
  token: string;
  stateDir: string;
  logDir: string;
}): Promise<RouterChild> {
  const log = openSync(join(options.logDir, "router.log"), "a");
  const args = [
    "router",
    "run",
    "--server",
    options.serverUrl,
    "--host",
    options.host,
    "--port",
    String(options.port),
  ];
  args.push("--state-dir", options.stateDir, "--name", "quickstart");
  const child = spawn(process.execPath, [berthBin, ...args], {
    env: { ...process.env, BERTH_ROUTER_TOKEN: options.token, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", log],
  });
  // Whoever started us may exit without closing the stack (process.exit in a signal handler): take it along.
  const orphanGuard = () => child.kill("SIGTERM");
  process.once("exit", orphanGuard);
  const exited = once(child, "exit");
  const port = await new Promise<number>((resolve, reject) => {
    exited.then(() =>
      reject(
        new Error(`berth router run exited before it was ready (see ${join(options.logDir, "router.log")})`),
      ),
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith('{"event":"ready"')) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return {
    child,
    port,
    async stop() {
      process.removeListener("exit", orphanGuard);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
