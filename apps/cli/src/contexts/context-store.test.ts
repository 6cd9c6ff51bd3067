import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentContext, readContexts, saveContext, useContext } from "./context-store.js";

describe("context store", () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "berth-contexts-"));
    process.env.BERTH_CONFIG_DIR = dir;
    delete process.env.BERTH_SERVER;
    delete process.env.BERTH_TOKEN;
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it("saves contexts in BERTH_CONFIG_DIR with mode 0600 and switches between them", () => {
    expect(() => currentContext()).toThrow("not logged in");
    saveContext({ name: "a", server: "http://a:1", token: "ta" });
    saveContext({ name: "b", server: "http://b:1", token: "tb" });
    expect(statSync(join(dir, "contexts.json")).mode & 0o777).toBe(0o600);
    expect(currentContext().name).toBe("b");
    useContext("a");
    expect(currentContext()).toEqual({ name: "a", server: "http://a:1", token: "ta" });
    expect(currentContext("b").token).toBe("tb");
    expect(() => useContext("c")).toThrow('no context named "c"; known: a, b');
    // Logging in again under a name replaces it rather than duplicating it.
    saveContext({ name: "a", server: "http://a:2", token: "ta2" });
    expect(readContexts().contexts.map((c) => [c.name, c.server])).toEqual([
      ["b", "http://b:1"],
      ["a", "http://a:2"],
    ]);
  });

  it("lets BERTH_SERVER and BERTH_TOKEN override saved contexts", () => {
    process.env.BERTH_SERVER = "http://ci:9701";
    process.env.BERTH_TOKEN = "t";
    expect(currentContext()).toEqual({ name: "env", server: "http://ci:9701", token: "t" });
  });
});
