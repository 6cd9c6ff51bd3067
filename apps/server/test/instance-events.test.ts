// An instance event replaces the whole instance in the dashboard's live views, so the platform's events (state,
// health, restarts) must also carry what only the entrypoint knows: its connection and the config revision it runs.
// Without them, a health change right after a config rollout showed the instances as disconnected and back on the
// old revision, and the config page waited for a restart that had already happened.
import type { Instance } from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { publishInstance } from "../src/lifecycle/publish-changes.js";
import type { InstanceView } from "../src/platforms/platform.js";
import { type SeededDeployment, seedDeployment } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

describe("instance events from the platform", () => {
  let server: TestServer;
  let d: SeededDeployment;
  let view: InstanceView;

  beforeAll(async () => {
    server = await startTestServer();
    d = await seedDeployment(server.ctx.store.db, { count: 1 });
    view = {
      id: d.instanceIds[0]!,
      deploymentId: d.deploymentId,
      idx: 0,
      state: "running",
      health: "healthy",
      port: 4100,
      pid: 4242,
      restarts: 0,
      startedAt: Date.now(),
      lastHealthError: "",
      cwd: "/",
      logFile: "/dev/null",
    };
  });
  afterAll(() => server?.dispose());

  async function published(): Promise<Instance> {
    const ac = new AbortController();
    const events = server.ctx.events.subscribe({}, ac.signal)[Symbol.asyncIterator]();
    // Subscribed once the first next() runs; the publish comes after it.
    const first = events.next();
    await publishInstance(server.ctx, { project: "shop", app: "web" }, view);
    for (let e = await first; !e.done; e = await events.next()) {
      if (e.value.event.case !== "instance") continue;
      ac.abort();
      return e.value.event.value;
    }
    throw new Error("no instance event");
  }

  it("carries the stored config revision while no entrypoint is connected", async () => {
    await server.ctx.store.db
      .updateTable("instances")
      .set({ config_revision: 3 })
      .where("id", "=", view.id)
      .execute();
    expect(await published()).toMatchObject({ id: view.id, configRevision: 3, connected: false, pid: 4242 });
  });

  it("carries the connection and the revision its entrypoint last reported", async () => {
    const { sessions } = entrypointRuntime(server.ctx);
    const remove = sessions.add({
      instanceId: view.id,
      deploymentId: d.deploymentId,
      project: "shop",
      app: "web",
      connectedAt: Date.now(),
      connectionId: "test",
      report: {
        appState: "running",
        appPid: 4243,
        exitCode: 0,
        configRevision: 5,
        restarts: 1,
        configError: "",
        configErrorRevision: 0,
        port: 0,
      },
      send: () => {},
      close: () => {},
    });
    try {
      expect(await published()).toMatchObject({ configRevision: 5, connected: true });
    } finally {
      remove();
    }
  });
});
