import { afterEach, beforeEach } from "vitest";
import {
  entrypointToken,
  type SeededDeployment,
  type SpawnedEntrypoint,
  spawnEntrypoint,
  stopEntrypoint,
} from "./runtime-fixture.js";
import { startTestServer, type TestServer } from "./test-server.js";

export interface RuntimeSuite {
  /** This test's server; a test that restarts it assigns the new one here, so teardown disposes that. */
  server: TestServer;
  /** Starts an entrypoint against this test's server; it is stopped after the test. */
  spawn(options: Omit<Parameters<typeof spawnEntrypoint>[0], "apiUrl">): SpawnedEntrypoint;
  /** Starts one entrypoint per instance of `d` (with one token for the deployment) around `command(index)`. */
  spawnAll(d: SeededDeployment, command: (index: number) => string): Promise<SpawnedEntrypoint[]>;
}

/**
 * Registers hooks giving each test a fresh server and stopping the entrypoints it spawned, then disposing
 * the server. Read `server` inside tests and hooks only (it is set in beforeEach).
 */
export function useRuntimeServer(): RuntimeSuite {
  const entrypoints: SpawnedEntrypoint[] = [];
  const suite: RuntimeSuite = {
    server: undefined as unknown as TestServer,
    spawn(options) {
      const entry = spawnEntrypoint({ apiUrl: suite.server.apiUrl, ...options });
      entrypoints.push(entry);
      return entry;
    },
    async spawnAll(d, command) {
      const token = await entrypointToken(suite.server.ctx.store.db, d.deploymentId);
      return d.instanceIds.map((instanceId, i) =>
        suite.spawn({ token, deploymentId: d.deploymentId, instanceId, command: command(i) }),
      );
    },
  };
  beforeEach(async () => {
    suite.server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(entrypoints.splice(0).map(stopEntrypoint));
    await suite.server.dispose();
  });
  return suite;
}
