// A browser terminal's command ends with the tab: closing the WebSocket cleanly, dropping its TCP
// connection, or freezing (unanswered pings) ends the command and everything it started on the instance.
// Real BFF, server, entrypoint and PTY; the processes are checked in /proc.
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { entrypointRuntime } from "../../server/src/entrypoint/entrypoint-runtime.js";
import {
  awaitGone,
  processesOfSession,
  shellPidPattern,
  spawnChildrenLine,
} from "../../server/test/helpers/exec-processes.js";
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
import { BrowserSession } from "./helpers/browser-session.js";
import { openTerminal, type TerminalTranscript, terminateTerminals } from "./helpers/terminal-client.js";
import { startTestStack, type TestStack } from "./helpers/test-stack.js";

describe("a browser terminal's command ends with the tab", () => {
  let stack: TestStack;
  let entry: SpawnedEntrypoint;
  let d: SeededDeployment;
  let tab: BrowserSession;

  beforeAll(async () => {
    // Short keepalives so a frozen tab is noticed within the test.
    stack = await startTestStack({ execKeepaliveMs: 200 });
    const db = stack.server.ctx.store.db;
    d = await seedDeployment(db);
    entry = spawnEntrypoint({
      apiUrl: stack.server.apiUrl,
      token: await entrypointToken(db, d.deploymentId),
      deploymentId: d.deploymentId,
      instanceId: d.instanceIds[0]!,
      command: "exec sleep 1000",
    });
    await pollUntil(
      () => entrypointRuntime(stack.server.ctx).sessions.isConnected(d.instanceIds[0]!),
      10_000,
    );
    tab = new BrowserSession(stack.bff.url);
    await tab.login(await loginToken(db, "deployer"));
  });
  afterEach(() => terminateTerminals());
  afterAll(async () => {
    if (entry) await stopEntrypoint(entry);
    await stack?.dispose();
  });

  const leave: [string, (t: TerminalTranscript) => void][] = [
    ["the tab closes the socket cleanly", (t) => t.ws.close(1000, "tab closed")],
    ["the socket's connection drops without a close frame", (t) => t.ws.terminate()],
    [
      "the tab freezes and stops answering pings",
      (t) => (t.ws as unknown as { _socket: { pause(): void } })._socket.pause(),
    ],
  ];
  it.each(leave)("when %s", async (_, goAway) => {
    const t = openTerminal(
      tab,
      { deploymentId: d.deploymentId, command: "/bin/sh", cols: 80, rows: 24 },
      undefined,
      [Buffer.from(spawnChildrenLine)],
    );
    await t.waitForOutput(shellPidPattern);
    const shell = Number(shellPidPattern.exec(t.output())![1]);
    const pids = await processesOfSession(shell, 4);
    goAway(t);
    await awaitGone(shell, pids);
  });
});
