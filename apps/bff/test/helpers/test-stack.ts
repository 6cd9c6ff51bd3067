import type { RunningServer } from "@berth/server";
import { startTestServer } from "../../../server/test/helpers/test-server.js";
import type { BffOptions } from "../../src/bff-options.js";
import { type RunningBff, startBff } from "../../src/server.js";

/** The operator token test stacks' BFFs expect on /metrics and the detailed /healthz. */
export const testMetricsToken = "test-metrics-token";

/** A real Berth server and a real BFF in front of it, both on port 0, with a fresh data dir. */
export interface TestStack {
  server: RunningServer;
  bff: RunningBff;
  /** The server's first admin login token. */
  adminToken: string;
  dataDir: string;
  dispose(): Promise<void>;
}

/** Starts the stack; `bffOptions` override the BFF's defaults (e.g. a lower login rate limit). */
export async function startTestStack(bffOptions: Partial<BffOptions> = {}): Promise<TestStack> {
  const server = await startTestServer({ shutdownGraceMs: 500 });
  let bff: RunningBff;
  try {
    bff = await startBff({
      serverUrl: server.apiUrl,
      port: 0,
      host: "127.0.0.1",
      shutdownGraceMs: 300,
      logger: false,
      metricsToken: testMetricsToken,
      ...bffOptions,
    });
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return {
    server,
    bff,
    adminToken: server.bootstrapToken!,
    dataDir: server.dataDir,
    async dispose() {
      await bff.close();
      await server.dispose();
    },
  };
}
