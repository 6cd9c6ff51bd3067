// Shared setup of the runtime benches: a real server in this process, a seeded deployment, real entrypoints.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultServerOptions, type RunningServer, startServer } from "@berth/server";
import pino from "pino";
import { entrypointRuntime } from "../../apps/server/src/entrypoint/entrypoint-runtime.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  runtimeClients,
  type SeededDeployment,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../apps/server/test/helpers/runtime-fixture.js";

export interface Harness {
  server: RunningServer;
  deployment: SeededDeployment;
  entrypoints: SpawnedEntrypoint[];
  clients: ReturnType<typeof runtimeClients>;
  dir: string;
  close(): Promise<void>;
}

/** Starts a server and `count` entrypoints running `appSource` (a Node script) and waits until all are connected. */
export async function startHarness(appSource: string, count = 1): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-rt-"));
  const server = await startServer({
    ...defaultServerOptions(join(dir, "data")),
    stopAppsOnExit: true, // its apps end with it (a production server leaves them running)
    apiPort: 0,
    routerPort: 0,
    builtinRunner: false,
    logger: pino({ level: "silent" }),
  });
  const db = server.ctx.store.db;
  const deployment = await seedDeployment(db, { count });
  const app = join(dir, "app.mjs");
  writeFileSync(app, appSource);
  const token = await entrypointToken(db, deployment.deploymentId);
  const entrypoints = deployment.instanceIds.map((instanceId) =>
    spawnEntrypoint({
      apiUrl: server.apiUrl,
      token,
      deploymentId: deployment.deploymentId,
      instanceId,
      command: `exec node ${app}`,
      cwd: dir,
    }),
  );
  const { sessions } = entrypointRuntime(server.ctx);
  await pollUntil(() => deployment.instanceIds.every((id) => sessions.isConnected(id)), 15_000);
  const clients = runtimeClients(server.apiUrl, await loginToken(db, "deployer"));
  return {
    server,
    deployment,
    entrypoints,
    clients,
    dir,
    async close() {
      await Promise.all(entrypoints.map(stopEntrypoint));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** p50/p99/max of a sample, rounded to 0.01 ms. */
export function percentiles(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(at(0.5)), p99: r(at(0.99)), max: r(s.at(-1) ?? Number.NaN) };
}
