import { ConfigScope, DeploymentService, type LogLine } from "@berth/proto";
import { describe, expect, it } from "vitest";
import { setConfigVars } from "../src/config/config-store.js";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { clientFor } from "./helpers/api-client.js";
import { loginToken, pollUntil, runtimeClients, seedDeployment } from "./helpers/runtime-fixture.js";
import { useRuntimeServer } from "./helpers/runtime-suite.js";

const rt = useRuntimeServer();

const ms = (l: LogLine) => Number(l.timestamp!.seconds) * 1000 + l.timestamp!.nanos / 1e6;

describe("live config", () => {
  it("restarts instances one at a time on a new revision, and restore brings the old value back", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db, { count: 2 });
    await rt.spawnAll(
      d,
      () => 'echo "GREETING=$(printenv GREETING || echo unset) rev=$BERTH_CONFIG_REVISION"; exec sleep 1000',
    );
    const { sessions } = entrypointRuntime(server.ctx);
    await pollUntil(
      () => d.instanceIds.every((id) => sessions.get(id)?.report?.appState === "running"),
      10_000,
    );
    const revisionEvents: { instanceId: string; revision: number; at: number }[] = [];
    const watch = new AbortController();
    void (async () => {
      for await (const e of server.ctx.events.subscribe({}, watch.signal)) {
        if (e.event.case === "instance") {
          revisionEvents.push({
            instanceId: e.event.value.id,
            revision: e.event.value.configRevision,
            at: Date.now(),
          });
        }
      }
    })();

    const { config } = runtimeClients(server.apiUrl, await loginToken(db, "deployer"));
    const set = await config.setConfigVars({
      scope: ConfigScope.APP,
      project: d.project,
      app: d.app,
      set: [{ name: "GREETING", value: "hi" }],
    });
    const rev = set.revision!.revision;
    const { logs } = runtimeClients(server.apiUrl, await loginToken(db, "viewer"));
    const greetings = async (value: string) => {
      const lines: LogLine[] = [];
      for await (const r of logs.getLogStream({ deploymentId: d.deploymentId })) lines.push(...r.lines);
      return lines.filter((l) => Buffer.from(l.data).toString().startsWith(`GREETING=${value} `));
    };
    const hi = await pollUntil(async () => {
      const lines = await greetings("hi");
      return lines.length === 2 ? lines : undefined;
    }, 15_000);
    expect(Buffer.from(hi[0]!.data).toString()).toBe(`GREETING=hi rev=${rev}`);
    // One at a time: the second instance started on the new revision only after the first reported it.
    const firstDone = revisionEvents.find((e) => e.revision === rev)!;
    const second = hi.find((l) => l.instanceId !== firstDone.instanceId)!;
    expect(ms(second)).toBeGreaterThanOrEqual(firstDone.at - 5);
    await pollUntil(async () => {
      const rows = await db
        .selectFrom("instances")
        .select("config_revision")
        .where("deployment_id", "=", d.deploymentId)
        .execute();
      return rows.every((r) => r.config_revision === rev);
    });

    await config.setConfigVars({
      scope: ConfigScope.APP,
      project: d.project,
      app: d.app,
      set: [{ name: "GREETING", value: "yo" }],
    });
    await pollUntil(async () => (await greetings("yo")).length === 2, 15_000);
    await config.restoreConfigRevision({ project: d.project, app: d.app, revision: rev });
    await pollUntil(async () => (await greetings("hi")).length === 4, 15_000);

    // An unset removes the variable from the running app's env (not just from the store).
    expect(await greetings("unset")).toHaveLength(2);
    await config.setConfigVars({
      scope: ConfigScope.APP,
      project: d.project,
      app: d.app,
      unset: ["GREETING"],
    });
    await pollUntil(async () => (await greetings("unset")).length === 4, 15_000);
    watch.abort();
  });

  it("reports a config the app cannot start with on the instance, keeps serving, and applies the next push", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db, { count: 1 });
    const [entry] = await rt.spawnAll(d, () => 'echo "rev=$BERTH_CONFIG_REVISION"; exec sleep 1000');
    const instanceId = d.instanceIds[0]!;
    const { sessions } = entrypointRuntime(server.ctx);
    await pollUntil(() => sessions.get(instanceId)?.report?.appState === "running", 10_000);
    const secret = await loginToken(db, "deployer");
    const { config } = runtimeClients(server.apiUrl, secret);
    const deployments = clientFor(server, DeploymentService, secret);
    const instance = async () =>
      (await deployments.listInstances({ deploymentId: d.deploymentId })).instances[0]!;

    // 40,000 four-byte characters: within the API's 65,536-character limit, over the kernel's 128 KiB per variable.
    const tooBig = await config.setConfigVars({
      scope: ConfigScope.APP,
      project: d.project,
      app: d.app,
      set: [{ name: "BUNDLE", value: "\u{1F600}".repeat(40_000) }],
    });
    const badRev = tooBig.revision!.revision;
    const failed = await pollUntil(async () => {
      const i = await instance();
      return i.configError ? i : undefined;
    }, 15_000);
    expect(failed.configError).toBe(
      `config revision ${badRev} could not be applied: the environment is too large for the operating system (each variable must stay under 128 KiB)`,
    );
    expect(failed.connected).toBe(true);
    expect(failed.configRevision).toBeLessThan(badRev);
    await pollUntil(() => sessions.get(instanceId)?.report?.appState === "running", 10_000);

    // The next push is applied: the failed one left nothing behind that blocks it.
    const fixed = await config.setConfigVars({
      scope: ConfigScope.APP,
      project: d.project,
      app: d.app,
      unset: ["BUNDLE"],
    });
    const goodRev = fixed.revision!.revision;
    const applied = await pollUntil(async () => {
      const i = await instance();
      return i.configRevision === goodRev && i.connected && !i.configError ? i : undefined;
    }, 15_000);
    expect(applied.configError).toBe("");
    expect(entry!.child.exitCode).toBeNull();
    expect(entry!.stderr()).toContain(`config revision ${badRev} could not be applied`);
  });

  it("catches up with a config change it missed when the event bus overflowed", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db, { count: 1 });
    await rt.spawnAll(d, () => "exec sleep 1000");
    const instanceId = d.instanceIds[0]!;
    const { sessions } = entrypointRuntime(server.ctx);
    await pollUntil(() => sessions.get(instanceId)?.report?.appState === "running", 10_000);

    // A change stored without its event, then a burst the config push cannot keep up with: it misses events
    // (its own included, had there been one) and must resync from the store.
    const { revision } = await setConfigVars(db, {
      project: d.project,
      app: d.app,
      set: [{ name: "GREETING", value: "caught up", secret: false }],
      unset: [],
      actor: { tokenId: "", name: "test" },
    });
    for (let n = 0; n < 1100; n++)
      server.ctx.events.publish({
        project: "elsewhere",
        app: "",
        event: { case: "heartbeat", value: false },
      });
    await pollUntil(() => sessions.get(instanceId)?.report?.configRevision === revision!.revision, 15_000);
  });
});
