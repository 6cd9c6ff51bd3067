import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTestServer } from "./helpers/test-server.js";

describe("data dir lock", () => {
  it("refuses a second server on the same data dir until the first one closes", async () => {
    const first = await startTestServer();
    await expect(startTestServer({ dataDir: first.dataDir })).rejects.toThrow(
      `the data dir ${first.dataDir} is in use by another berth server (pid ${process.pid})`,
    );
    await first.close();
    expect(existsSync(join(first.dataDir, "server.lock"))).toBe(false);
    const second = await startTestServer({ dataDir: first.dataDir });
    await second.dispose();
  });

  it("takes over a lock left by a process that died", async () => {
    const first = await startTestServer();
    await first.close();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(join(first.dataDir, "server.lock"), `${gone}\n`);
    const second = await startTestServer({ dataDir: first.dataDir });
    await second.dispose();
  });
});
