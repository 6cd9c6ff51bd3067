import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LogLine } from "@berth/proto";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../src/platforms/process/free-port.js";
import { openStore, type Store } from "../src/store/open-store.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  runtimeClients,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "./helpers/runtime-fixture.js";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), "berth-reconnect-"));
const children: ChildProcess[] = [];
let entry: SpawnedEntrypoint | undefined;
let store: Store | undefined;

/** A server process on a fixed port (so the entrypoint's address stays valid across restarts). */
async function runServer(port: number): Promise<ChildProcess> {
  // node with tsx's loader, not the tsx CLI: SIGKILL must hit the server itself, not a wrapper.
  const args = [
    "--import",
    "tsx",
    main,
    "--data-dir",
    dataDir,
    "--api-port",
    String(port),
    "--router-port",
    "0",
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, BERTH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (c: Buffer) => c.toString().includes('"ready"') && resolve());
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return child;
}

afterAll(async () => {
  if (entry) await stopEntrypoint(entry);
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const numbers = (lines: LogLine[]) =>
  lines
    .map((l) => Buffer.from(l.data).toString())
    .filter((t) => t.startsWith("tick "))
    .map((t) => Number(t.slice(5)));

describe("server outage", () => {
  it("keeps the app running, reconnects by itself, and delivers the lines buffered meanwhile", async () => {
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    let server = await runServer(port);
    store = await openStore({ path: join(dataDir, "berth.db") });
    const d = await seedDeployment(store.db);
    entry = spawnEntrypoint({
      apiUrl,
      token: await entrypointToken(store.db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId: d.instanceIds[0]!,
      command: "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.02; done",
    });
    const viewer = await loginToken(store.db, "viewer");
    const read = async () => {
      const lines: LogLine[] = [];
      const { logs } = runtimeClients(apiUrl, viewer);
      for await (const r of logs.getLogStream({ deploymentId: d.deploymentId, tailLines: 100_000 }))
        lines.push(...r.lines);
      return numbers(lines);
    };
    const before = await pollUntil(async () => {
      const n = await read();
      return n.length >= 10 ? n : undefined;
    }, 10_000);

    server.kill("SIGKILL");
    await once(server, "exit");
    await new Promise((r) => setTimeout(r, 1000));
    expect(entry.child.exitCode).toBeNull();

    const restartedAt = Date.now();
    server = await runServer(port);
    const after = await pollUntil(async () => {
      const n = await read().catch(() => []);
      return n.length > before.length + 40 ? n : undefined;
    }, 15_000);
    expect(Date.now() - restartedAt).toBeLessThan(12_000);
    // Every tick from the first one on, with no gap: the outage's lines were buffered and delivered.
    expect(after).toEqual(after.map((_, i) => after[0]! + i));
  });
});
