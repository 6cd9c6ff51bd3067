import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { defaultServerOptions } from "../../src/server-options.js";
import { type RunningServer, type StartServerOptions, startServer } from "../../src/start-server.js";

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Closes the server and removes its data dir. */
  dispose(): Promise<void>;
}

/** A real server on port 0 over a fresh data dir in tmp, logging nothing. */
export async function startTestServer(
  overrides: Partial<StartServerOptions> & { dataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), "berth-test-"));
  const server = await startServer({
    ...defaultServerOptions(dataDir),
    apiPort: 0,
    routerPort: 0,
    builtinRunner: false,
    logger: pino({ level: "silent" }),
    shutdownGraceMs: 1000,
    // A test's server takes its apps with it (production servers leave them running): no leaked processes.
    stopAppsOnExit: true,
    ...overrides,
  });
  return Object.assign(server, {
    dataDir,
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(server.ctx.options.appsDir, { recursive: true, force: true });
    },
  });
}
