// Run with tsx by e2e/support/stack.ts ({ ha: true }): the HA quickstart's stack (three `berth server run`
// replicas on PostgreSQL, the router process and the BFF, both given all three addresses) on free ports, a temp
// data dir and a fresh database of its own. Ships the demo twice, prints one JSON line on stdout when ready; when
// stdin closes (or on SIGTERM) it stops everything, ends the apps, drops the database and deletes the data dir.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployDemo, repoRoot } from "../../scripts/quickstart/demo-app.js";
import { latestApp } from "../../scripts/quickstart/demo-status.js";
import { stopLeftoverApps } from "../../scripts/quickstart/leftover-apps.js";
import { dropDatabase } from "../../scripts/quickstart/postgres-database.js";
import { startHaStack } from "../../scripts/quickstart/start-ha-stack.js";

const dataDir = mkdtempSync(join(tmpdir(), "berth-e2e-ha-"));
// The same PostgreSQL the server's tests use (trust auth on 127.0.0.1), a database nobody else has.
const store = new URL(process.env.BERTH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
store.pathname = `/berth_e2e_${randomBytes(6).toString("hex")}`;
const storeUrl = store.toString();

const stack = await startHaStack({
  dataDir,
  store: storeUrl,
  apiPort: 0,
  routerPort: 0,
  bffPort: 0,
  webDistDir: process.env.BERTH_WEB_DIST || join(repoRoot, "apps/web/dist"),
  fastShutdown: true,
}).catch(async (e: unknown) => {
  process.stderr.write(`stack: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await dropDatabase(storeUrl).catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
});

let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= stack
    .close()
    .catch((e: unknown) => {
      process.stderr.write(`stack: close failed: ${String(e)}\n`);
    })
    // A SIGKILLed replica leaves its apps serving: they go with the stack.
    .then(async () => {
      for (const replica of stack.replicas) await stopLeftoverApps(replica.dataDir, 1_000);
    })
    .then(() => dropDatabase(storeUrl))
    .catch((e: unknown) => {
      process.stderr.write(`stack: cleanup failed: ${String(e)}\n`);
    })
    .finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  return stopping;
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
// The test runner holds our stdin: when it goes away (even by a crash), so do we.
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();

try {
  const admin = await stack.loginToken({ role: "admin", name: "e2e tester" });
  const commits = await deployDemo({ apiUrl: stack.apiUrls, token: admin.secret, output: "stderr" });
  const app = await latestApp(stack.db);
  if (!app) throw new Error("the demo left no app");
  if (!(await stack.waitForEntrypoints(20_000)))
    process.stderr.write("stack: some instances' entrypoints did not connect within 20 s\n");
  process.stdout.write(
    `${JSON.stringify({
      event: "ready",
      dashboardUrl: stack.bff.url,
      apiUrl: stack.replicas[0]?.apiUrl,
      routerPort: stack.routerPort,
      token: admin.secret,
      loginLink: await stack.loginLink(),
      dataDir,
      project: app.project,
      app: app.app,
      appUrl: stack.appUrl(app.project, app.app),
      deploymentUrls: commits.map((_, i) => stack.deploymentUrl(app.project, app.app, i + 1)),
      commits,
      replicas: stack.replicas.map((r) => ({ name: r.name, apiUrl: r.apiUrl, pid: r.pid })),
    })}\n`,
  );
} catch (e) {
  process.stderr.write(`stack: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  await stop();
}
