import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultAppsDir } from "./default-apps-dir.js";

const root = mkdtempSync(join(tmpdir(), "berth-apps-default-"));
chmodSync(root, 0o755); // mkdtemp makes it private
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("defaultAppsDir", () => {
  it("is beside the data dir when the app user can reach it, or when the server is not root", () => {
    const open = join(root, "open");
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    expect(defaultAppsDir(join(open, ".berth"), true)).toBe(join(open, ".berth-apps"));
    const home = join(root, "home");
    mkdirSync(home, { mode: 0o700 });
    expect(defaultAppsDir(join(home, ".berth"), false)).toBe(join(home, ".berth-apps"));
  });

  it("moves under /var/lib/berth-apps, the same for the same data dir, when a root server's home is private", () => {
    const home = join(root, "private-home");
    mkdirSync(home, { mode: 0o700 });
    chmodSync(home, 0o700);
    const a = defaultAppsDir(join(home, "repo", ".berth"), true);
    expect(a).toMatch(/^\/var\/lib\/berth-apps\/[0-9a-f]{16}$/);
    expect(defaultAppsDir(join(home, "repo", ".berth"), true)).toBe(a);
    expect(defaultAppsDir(join(home, "other", ".berth"), true)).not.toBe(a);
  });
});
