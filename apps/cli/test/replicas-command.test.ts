// `berth replicas` against two server replicas on one PostgreSQL database: both listed alive, the one that
// answered marked, a stopped one shown as stopped.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ReplicaSet, startReplicaSet } from "../../server/test/helpers/replica-set.js";
import { runBerth } from "./helpers/run-berth.js";

describe("berth replicas", () => {
  let set: ReplicaSet;
  let configDir: string;
  const berth = (args: string[]) =>
    runBerth(args, { env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" }, timeout: 30_000 });

  beforeAll(async () => {
    set = await startReplicaSet(2);
    configDir = mkdtempSync(join(tmpdir(), "berth-replicas-config-"));
    const login = await berth(["login", "--server", set.replicas[0]!.apiUrl, "--token", set.token]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await set?.dispose();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it("lists every replica sharing the store, alive or stopped, marking the one that answered", async () => {
    const [a, b] = set.replicas;
    const json = await berth(["replicas", "--json"]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as {
      id: string;
      apiUrl: string;
      alive: boolean;
      current?: boolean;
    }[];
    expect(listed.map((r) => [r.id, r.apiUrl, r.alive]).sort()).toEqual(
      [a!, b!].map((s) => [s.ctx.replicaId, s.apiUrl, true]).sort(),
    );
    expect(listed.find((r) => r.current)?.id).toBe(a!.ctx.replicaId);

    await b!.close();
    const text = await berth(["replicas"]);
    expect(text.code).toBe(0);
    const lineOf = (id: string) => text.stdout.split("\n").find((l) => l.startsWith(id));
    expect(lineOf(`${a!.ctx.replicaId}*`)).toContain("alive");
    expect(lineOf(b!.ctx.replicaId)).toContain("stopped");
    expect(text.stdout).toContain("dead after 3 missed beats of 200 ms");
  });
});
