import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { defaultServerOptions } from "../../src/server-options.js";
import { type RunningServer, type StartServerOptions, startServer } from "../../src/start-server.js";
import type { StoreDialect } from "../../src/store/store-dialect.js";
import { createTestDatabase, type TestDatabase } from "./test-stores.js";

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Closes the server and removes its data dir. */
  dispose(): Promise<void>;
}

/**
 * A real server on port 0 over a fresh data dir in tmp, logging nothing. With `storeDialect: "postgres"` its
 * catalog is a fresh PostgreSQL database, dropped by dispose() (also with BERTH_TEST_STORE=postgres).
 */
export async function startTestServer(
  overrides: Partial<StartServerOptions> & { dataDir?: string; storeDialect?: StoreDialect } = {},
): Promise<TestServer> {
  // BERTH_TEST_STORE=postgres runs every server test on PostgreSQL (one-off sweeps; CI runs them on SQLite).
  const { storeDialect = process.env.BERTH_TEST_STORE as StoreDialect | undefined, ...options } = overrides;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "berth-test-"));
  const database: TestDatabase | undefined =
    storeDialect === "postgres" ? await createTestDatabase() : undefined;
  const server = await startServer({
    ...defaultServerOptions(dataDir),
    apiPort: 0,
    routerPort: 0,
    builtinRunner: false,
    logger: pino({ level: "silent" }),
    shutdownGraceMs: 1000,
    // A test's server takes its apps with it (production servers leave them running): no leaked processes.
    stopAppsOnExit: true,
    store: database?.url,
    ...options,
  }).catch(async (err: unknown) => {
    await database?.drop();
    throw err;
  });
  // Tests that only close() the server (not dispose()) must not leave a database behind either.
  const close = server.close.bind(server);
  return Object.assign(server, {
    dataDir,
    async close() {
      await close();
      await database?.drop();
    },
    async dispose() {
      await close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(server.ctx.options.appsDir, { recursive: true, force: true });
    },
  });
}
