// Run by stack.ts in a child process: one Berth (server with built-in runner, process platform and URL router,
// plus the BFF) on free ports and a temp data dir, so the bench can read the server's memory from /proc.
// Prints one JSON line when ready; stops and deletes the data dir when stdin closes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultAppsDir } from "../../../apps/server/src/sandbox/default-apps-dir.js";
import { startStack } from "../../../scripts/quickstart/start-stack.js";

const dataDir = mkdtempSync(join(tmpdir(), "berth-bench-stack-"));
const webDistDir = process.env.BERTH_WEB_DIST;
const stack = await startStack({
  dataDir,
  apiPort: 0,
  routerPort: 0,
  bffPort: 0,
  webDistDir,
  fastShutdown: true,
  stopAppsOnExit: true,
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  // The server unpacked the apps beside the data dir (or under /var/lib/berth-apps as root): those go too.
  rmSync(defaultAppsDir(dataDir), { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.on("SIGTERM", stop);
process.stdin.resume();
const admin = await stack.loginToken({ role: "admin", name: "bench" });
process.stdout.write(
  `${JSON.stringify({
    event: "ready",
    pid: process.pid,
    apiUrl: stack.apiUrl,
    dashboardUrl: stack.bff.url,
    routerPort: stack.routerPort,
    token: admin.secret,
    dataDir,
  })}\n`,
);
