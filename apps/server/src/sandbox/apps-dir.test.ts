import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { prepareAppsDir } from "./apps-dir.js";

let root = "";
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("prepareAppsDir", () => {
  it("makes every missing directory on the way 0711, whatever the server's umask", async () => {
    root = await mkdtemp(join(tmpdir(), "berth-apps-dir-"));
    const previous = process.umask(0o077);
    try {
      await prepareAppsDir(join(root, "var", "lib", "berth-apps", "key"), undefined);
    } finally {
      process.umask(previous);
    }
    for (const dir of ["var", "var/lib", "var/lib/berth-apps", "var/lib/berth-apps/key"])
      expect(((await stat(join(root, dir))).mode & 0o777).toString(8), dir).toBe("711");
    // What was there before is left alone.
    expect(((await stat(root)).mode & 0o777).toString(8)).toBe("700");
  });
});
