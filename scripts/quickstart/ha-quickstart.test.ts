// `npm start -- --ha` when it cannot start: the real driver (scripts/quickstart/main.ts under tsx) as a child
// process, as scripts/quickstart.mjs runs it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./demo-app.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function quickstart(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "berth-ha-quickstart-"));
  dirs.push(dataDir);
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "scripts/quickstart/main.ts"), "--data-dir", dataDir, ...args],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

describe("npm start -- --ha refuses to start, saying why", { timeout: 60_000 }, () => {
  it("names the PostgreSQL host it cannot reach and the driver's reason", async () => {
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const { port } = probe.address() as { port: number };
    probe.close();
    await once(probe, "close");
    const run = await quickstart(["--ha", "--store", `postgres://postgres@127.0.0.1:${port}/berth_ha`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`quickstart: PostgreSQL at 127.0.0.1:${port} is unreachable: `);
    expect(run.stderr).toContain("ECONNREFUSED");
  });

  it("refuses --store without --ha", async () => {
    const run = await quickstart(["--store", "postgres://postgres@127.0.0.1:5432/berth_ha"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--store needs --ha");
  });
});
