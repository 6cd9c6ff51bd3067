// Logs and the terminal through the BFF, end to end: browser (connect-web / WebSocket) → BFF → server →
// a real entrypoint → a real app and PTY. No HTTP mocks: the deployment rows are seeded as the
// platform would write them.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardService, LogService, ReleaseService } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { entrypointRuntime } from "../../server/src/entrypoint/entrypoint-runtime.js";
import {
  entrypointToken,
  loginToken,
  pollUntil,
  type SeededDeployment,
  type SpawnedEntrypoint,
  seedDeployment,
  spawnEntrypoint,
  stopEntrypoint,
} from "../../server/test/helpers/runtime-fixture.js";
import { ExecCloseCode } from "../src/exec/exec-close-codes.js";
import { apiTransport } from "./helpers/api-transport.js";
import { BrowserSession } from "./helpers/browser-session.js";
import { eventually, metricValue } from "./helpers/metrics-text.js";
import { openTerminal, terminateTerminals, upgradeStatus } from "./helpers/terminal-client.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

describe("runtime through the BFF", () => {
  let stack: TestStack;
  let entry: SpawnedEntrypoint;
  let d: SeededDeployment;
  let appDir: string;
  let tab: BrowserSession;

  beforeAll(async () => {
    // Short keepalives so a browser that stops answering is noticed within the test.
    stack = await startTestStack({ execKeepaliveMs: 200 });
    const db = stack.server.ctx.store.db;
    d = await seedDeployment(db);
    appDir = realpathSync(mkdtempSync(join(tmpdir(), "berth-bff-app-")));
    entry = spawnEntrypoint({
      apiUrl: stack.server.apiUrl,
      token: await entrypointToken(db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId: d.instanceIds[0]!,
      command: "i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.1; done",
      cwd: appDir,
    });
    await pollUntil(
      () =>
        entrypointRuntime(stack.server.ctx).sessions.get(d.instanceIds[0]!)?.report?.appState === "running",
      10_000,
    );
    tab = new BrowserSession(stack.bff.url);
    expect((await tab.login(await loginToken(db, "deployer"))).status).toBe(200);
  });
  afterEach(() => terminateTerminals());
  afterAll(async () => {
    if (entry) await stopEntrypoint(entry);
    await stack?.dispose();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it("follows an instance's logs with a browser Connect client, and cancels the server's follower", async () => {
    // Count live followers on the server's real log store.
    const store = entrypointRuntime(stack.server.ctx).logs;
    const subscribe = store.subscribe.bind(store);
    let followers = 0;
    let subscribed = 0;
    store.subscribe = (target, listener) => {
      followers++;
      subscribed++;
      const unsubscribe = subscribe(target, listener);
      return () => {
        followers--;
        unsubscribe();
      };
    };
    const transport = apiTransport(tab);
    const logs = createClient(LogService, transport);
    const lines: string[] = [];
    let backfillDone = false;
    const abort = new AbortController();
    for await (const res of logs.getLogStream(
      { deploymentId: d.deploymentId, follow: true, tailLines: 5 },
      { signal: abort.signal },
    )) {
      lines.push(...res.lines.map((l) => Buffer.from(l.data).toString()));
      backfillDone ||= res.backfillDone;
      // Past the backfill, two more live lines prove it follows.
      if (backfillDone && lines.length >= 7) break;
    }
    abort.abort();
    expect(backfillDone).toBe(true);
    const numbers = lines.map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
    expect(numbers.every(Number.isInteger)).toBe(true);
    // In order and without gaps, across the end of the backfill.
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));

    for (let i = 0; i < 20; i++) {
      const cycle = new AbortController();
      const it = logs
        .getLogStream({ deploymentId: d.deploymentId, follow: true, tailLines: 1 }, { signal: cycle.signal })
        [Symbol.asyncIterator]();
      await it.next();
      cycle.abort();
      await it.next().catch(() => undefined);
    }
    expect(
      await eventually(
        async () =>
          followers === 0 && (await metricValue(stack.bff.url, "berth_bff_upstream_streams_open")) === 0,
      ),
    ).toBe(true);
    expect(followers).toBe(0);
    expect(subscribed).toBeGreaterThanOrEqual(21);
    store.subscribe = subscribe;
  });

  it("runs `echo hello; exit 3` and reports exit 3", async () => {
    const t = openTerminal(tab, {
      deploymentId: d.deploymentId,
      command: "echo hello; exit 3",
      cols: 80,
      rows: 24,
    });
    const started = await t.waitForControl("started");
    expect(started.instanceId).toBe(d.instanceIds[0]);
    await t.waitForOutput(/hello/);
    expect(await t.closed).toEqual({ code: ExecCloseCode.exitedBase + 3, reason: "exited with 3" });
    expect(t.controls).toContainEqual({ type: "exit", code: 3 });
  });

  it("keeps input typed ahead of the session's start", async () => {
    const t = openTerminal(
      tab,
      {
        deploymentId: d.deploymentId,
        command: ["sh", "-c", "read line; echo got:$line; exit 4"],
        tty: false,
      },
      undefined,
      [Buffer.from("typed-ahead\n")],
    );
    await t.waitForOutput(/got:typed-ahead/);
    expect((await t.closed).code).toBe(ExecCloseCode.exitedBase + 4);
  });

  it("gives a PTY whose size follows resize frames", async () => {
    const t = openTerminal(tab, { deploymentId: d.deploymentId, command: "", cols: 80, rows: 24 });
    await t.waitForControl("started");
    t.ws.send(Buffer.from("echo TERM=$TERM; tput cols\n"));
    await t.waitForOutput(/TERM=xterm-256color\r\n80\r\n/);
    t.ws.send(JSON.stringify({ type: "resize", cols: 132, rows: 40 }));
    t.ws.send(Buffer.from("tput cols\n"));
    await t.waitForOutput(/\b132\r\n/);
    t.ws.send(Buffer.from("exit 0\n"));
    expect((await t.closed).code).toBe(ExecCloseCode.exitedBase);
  });

  it("tells the browser about garbage frames without dropping the session", async () => {
    const t = openTerminal(tab, { deploymentId: d.deploymentId, command: ["sh"], cols: 80, rows: 24 });
    await t.waitForControl("started");
    t.ws.send("}{ not json");
    t.ws.send(JSON.stringify({ type: "resize", cols: -4, rows: 9 }));
    const error = await t.waitForControl("error");
    expect(String(error.message)).toMatch(/expected a JSON object/);
    t.ws.send(Buffer.from("echo still-here; exit 5\n"));
    await t.waitForOutput(/still-here/);
    expect((await t.closed).code).toBe(ExecCloseCode.exitedBase + 5);

    const bad = openTerminal(tab, "this is not a start frame");
    expect((await bad.closed).code).toBe(ExecCloseCode.badRequest);
    expect(String(bad.controls[0]?.message)).toMatch(/expected a JSON object/);
  });

  it("closes with 'instance gone' for a deployment that does not exist", async () => {
    const t = openTerminal(tab, {
      deploymentId: "01NOSUCHDEPLOYMENT0000000000",
      command: "true",
      cols: 80,
      rows: 24,
    });
    expect((await t.closed).code).toBe(ExecCloseCode.instanceGone);
  });

  it("refuses cross-origin, origin-less, session-less and viewer upgrades before the upgrade", async () => {
    expect(await upgradeStatus(tab, "http://evil.example")).toBe(403);
    expect(await upgradeStatus(tab, undefined)).toBe(403);
    expect(await upgradeStatus(new BrowserSession(stack.bff.url), stack.bff.url)).toBe(401);
    const viewer = new BrowserSession(stack.bff.url);
    await viewer.login(await loginToken(stack.server.ctx.store.db, "viewer"));
    expect(await upgradeStatus(viewer, stack.bff.url)).toBe(403);
    expect(await upgradeStatus(tab, stack.bff.url)).toBe(101);
    const plain = await tab.fetch("/api/exec");
    expect(plain.status).toBe(426);
  });

  it("ends the command when the browser goes away or stops answering pings", async () => {
    const openGauge = () => metricValue(stack.bff.url, "berth_bff_exec_sessions_open");
    const closed = openTerminal(tab, {
      deploymentId: d.deploymentId,
      command: "sleep 1000",
      cols: 80,
      rows: 24,
    });
    await closed.waitForControl("started");
    closed.ws.terminate();
    expect(await eventually(async () => (await openGauge()) === 0)).toBe(true);

    const silent = openTerminal(tab, {
      deploymentId: d.deploymentId,
      command: "sleep 1000",
      cols: 80,
      rows: 24,
    });
    await silent.waitForControl("started");
    // A frozen tab: its socket stays open but reads nothing, so pings go unanswered.
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    expect(await eventually(async () => (await openGauge()) === 0)).toBe(true);
    silent.ws.terminate();
  });

  it("releases through the BFF and shows the released deployment with its instances in the overview", async () => {
    const transport = apiTransport(tab);
    const app = { project: d.project, app: d.app };
    await createClient(ReleaseService, transport).release({ app, deploymentId: d.deploymentId });
    const overview = await createClient(DashboardService, transport).getAppOverview({ app });
    expect(overview.application?.name).toBe(d.app);
    expect(overview.released?.id).toBe(d.deploymentId);
    expect(overview.releasedInstances.map((i) => i.id)).toEqual(d.instanceIds);
    expect(overview.recentDeployments.map((x) => x.id)).toContain(d.deploymentId);
    expect(overview.recentReleases.length).toBe(1);
  });

  it("leaves no exec streams open", async () => {
    const drained = await eventually(
      async () =>
        (await metricValue(stack.bff.url, "berth_bff_exec_sessions_open")) === 0 &&
        (await metricValue(stack.bff.url, "berth_bff_upstream_streams_open")) === 0,
    );
    expect(drained).toBe(true);
  });
});
