// An exec session ends with its client: when the client's stream is cancelled or the server dies, the
// command and everything it started (background jobs, a child in a session of its own) are ended on the
// entrypoint's side. Real server, real entrypoint, real PTY; processes are checked in /proc.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type StartExecStreamRequest, StartExecStreamRequestSchema } from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { openStore, type Store } from "../src/store/open-store.js";
import {
  awaitGone,
  processesOfSession,
  shellPidPattern,
  spawnChildrenLine,
} from "./helpers/exec-processes.js";
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
import { type SpawnedServer, spawnServer } from "./helpers/spawn-server.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Seeds a deployment and starts its one entrypoint (whose app just sleeps) against the server at `apiUrl`. */
async function startInstance(apiUrl: string, db: Parameters<typeof seedDeployment>[0]) {
  const d = await seedDeployment(db);
  const entry: SpawnedEntrypoint = spawnEntrypoint({
    apiUrl,
    token: await entrypointToken(db, d.deploymentId),
    deploymentId: d.deploymentId,
    instanceId: d.instanceIds[0]!,
    command: "exec sleep 1000",
  });
  cleanups.push(() => stopEntrypoint(entry));
  return { d, entry, token: await loginToken(db, "deployer") };
}

/**
 * Opens an interactive sh in a PTY, has it start children, and resolves with the shell's pid (its session's id)
 * and the pids of every process of that session once all have started.
 */
async function shellWithChildren(
  apiUrl: string,
  token: string,
  deploymentId: string,
  signal: AbortSignal,
  first = "",
) {
  const input = createPushQueue<StartExecStreamRequest>();
  input.push(
    create(StartExecStreamRequestSchema, {
      msg: { case: "start", value: { deploymentId, args: ["sh"], tty: true, size: { cols: 80, rows: 24 } } },
    }),
  );
  input.push(
    create(StartExecStreamRequestSchema, {
      msg: { case: "stdin", value: Buffer.from(first + spawnChildrenLine) },
    }),
  );
  const { exec } = runtimeClients(apiUrl, token);
  let out = "";
  const ended = (async () => {
    for await (const r of exec.startExecStream(input, { signal }))
      if (r.msg.case === "stdout") out += Buffer.from(r.msg.value).toString();
  })().catch(() => undefined);
  const shell = await pollUntil(() => Number(shellPidPattern.exec(out)?.[1] ?? 0) || undefined, 10_000);
  const pids = await processesOfSession(shell, 4);
  return { shell, pids, ended };
}

describe("an exec session ends with its client", () => {
  it("ends the command's whole session when the client cancels its stream", async () => {
    const server: TestServer = await startTestServer();
    cleanups.push(() => server.dispose());
    const { d, token } = await startInstance(server.apiUrl, server.ctx.store.db);
    await pollUntil(() => entrypointRuntime(server.ctx).sessions.isConnected(d.instanceIds[0]!), 10_000);

    const client = new AbortController();
    const { shell, pids, ended } = await shellWithChildren(
      server.apiUrl,
      token,
      d.deploymentId,
      client.signal,
    );
    client.abort();
    await ended;
    await awaitGone(shell, pids);
  });

  it("ends the command's whole session when the entrypoint stops, even if it ignores the hang-up", async () => {
    const server: TestServer = await startTestServer();
    cleanups.push(() => server.dispose());
    const { d, entry, token } = await startInstance(server.apiUrl, server.ctx.store.db);
    await pollUntil(() => entrypointRuntime(server.ctx).sessions.isConnected(d.instanceIds[0]!), 10_000);

    const { shell, pids } = await shellWithChildren(
      server.apiUrl,
      token,
      d.deploymentId,
      new AbortController().signal,
      // The shell and its children ignore SIGHUP: only the SIGKILL after the grace ends them.
      "trap '' HUP\n",
    );
    // As the platform stops an instance: SIGTERM to the entrypoint, which passes it to the app and exits.
    entry.child.kill("SIGTERM");
    await entry.exited;
    await awaitGone(shell, pids);
  });

  it("ends the command's whole session when the server is killed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "berth-exec-end-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const server: SpawnedServer = await spawnServer(dataDir);
    cleanups.push(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill("SIGKILL");
        await server.exited;
      }
    });
    const store: Store = await openStore({ path: join(dataDir, "berth.db") });
    cleanups.push(() => store.close());
    const { d, entry, token } = await startInstance(server.apiUrl, store.db);

    const { shell, pids } = await shellWithChildren(
      server.apiUrl,
      token,
      d.deploymentId,
      new AbortController().signal,
    );
    server.child.kill("SIGKILL");
    await once(server.child, "exit");
    await awaitGone(shell, pids);
    // The app itself keeps running: only the exec session had lost its client.
    expect(entry.child.exitCode).toBeNull();
  });
});
