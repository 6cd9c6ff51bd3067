import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/berth-entrypoint.js", import.meta.url));

it("keeps V8's young generation small through a log flood", async () => {
  const dir = await mkdtemp(join(tmpdir(), "berth-entrypoint-flood-"));
  try {
    const report = `data:text/javascript,import{getHeapSpaceStatistics as g}from"node:v8";process.on("exit",()=>process.stderr.write("new-space="+g().find(s=>s.space_name==="new_space").space_size+"\\n"))`;
    // The app floods once told to (the go file), after the client loaded; the server is unreachable, so the
    // lines stay buffered, as they do while a server is down or slow.
    const app =
      "while [ ! -e go ]; do sleep 0.05; done; yes 0123456789012345678901234567890123456789 | head -n 300000";
    const child = spawn(process.execPath, ["--import", report, bin, "--", "sh", "-c", app], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        BERTH_SERVER_ADDR: "http://127.0.0.1:1",
        BERTH_INSTANCE_ID: "i-1",
        BERTH_DEPLOYMENT_ID: "d-1",
        BERTH_ENTRYPOINT_TOKEN: "t",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (d: Buffer) => {
        stderr += d;
        if (stderr.includes("session to the server failed")) resolve();
      });
      child.on("exit", () => reject(new Error(`entrypoint exited early: ${stderr}`)));
    });
    await writeFile(join(dir, "go"), "");
    await exited;
    clearTimeout(timer);
    const newSpace = Number(/new-space=(\d+)/.exec(stderr)?.[1]);
    // V8's default lets it grow to 16 MB semi-spaces (32 MB here); 1 MB ones stay within a few MB.
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(8 * 1024 * 1024);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it("refuses a server address list with an empty or malformed entry, naming it", () => {
  const run = (addrs: string) =>
    spawnSync(process.execPath, [bin, "--", "true"], {
      env: { PATH: process.env.PATH, BERTH_SERVER_ADDR: addrs, BERTH_ENTRYPOINT_TOKEN: "t" },
      encoding: "utf8",
      timeout: 30_000,
    });
  const empty = run("http://127.0.0.1:1,,http://127.0.0.1:2");
  expect(empty.status).toBe(2);
  expect(empty.stderr).toBe(
    'berth-entrypoint: BERTH_SERVER_ADDR address 2 of 3 is empty (in "http://127.0.0.1:1,,http://127.0.0.1:2"); give URLs separated by commas\n',
  );
  const malformed = run("http://127.0.0.1:1,http://[::1");
  expect(malformed.status).toBe(2);
  expect(malformed.stderr).toContain('BERTH_SERVER_ADDR address 2 of 2 "http://[::1" is not a URL');
});
