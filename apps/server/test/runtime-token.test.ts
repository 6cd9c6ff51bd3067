import { describe, expect, it } from "vitest";
import { entrypointRuntime } from "../src/entrypoint/entrypoint-runtime.js";
import { entrypointToken, pollUntil, seedDeployment } from "./helpers/runtime-fixture.js";
import { useRuntimeServer } from "./helpers/runtime-suite.js";

const rt = useRuntimeServer();

describe("entrypoint token renewal", () => {
  it("renews a short-lived token over the session, so reconnecting after its expiry still works", async () => {
    const { server } = rt;
    const db = server.ctx.store.db;
    const d = await seedDeployment(db);
    const instanceId = d.instanceIds[0]!;
    // Long enough that a loaded machine starts the entrypoint and connects before the token expires
    // (with 3 s, half of it was sometimes not enough under a load of 20 on 2 cores).
    const ttlMs = 8000;
    const token = await entrypointToken(db, d.deploymentId, ttlMs);
    const issuedAt = Date.now();
    // Past half its lifetime when the entrypoint connects: the server renews it at once.
    await new Promise((r) => setTimeout(r, ttlMs / 2 + 100));
    rt.spawn({
      token,
      deploymentId: d.deploymentId,
      instanceId,
      command: "exec sleep 1000",
    });
    const { sessions } = entrypointRuntime(server.ctx);
    const first = await pollUntil(() => sessions.get(instanceId), 10_000);
    const renewed = await pollUntil(async () => {
      const rows = await db
        .selectFrom("tokens")
        .selectAll()
        .where("deployment_id", "=", d.deploymentId)
        .execute();
      return rows.length === 2 ? rows : undefined;
    });
    expect(renewed.every((r) => r.kind === "entrypoint" && r.expires_at !== null)).toBe(true);

    // Wait out the original token, then drop the session: the entrypoint must come back with the new one.
    await new Promise((r) => setTimeout(r, Math.max(0, issuedAt + ttlMs + 100 - Date.now())));
    first.close("test: drop the session");
    const again = await pollUntil(() => {
      const s = sessions.get(instanceId);
      return s && s.connectionId !== first.connectionId ? s : undefined;
    }, 10_000);
    expect(again.deploymentId).toBe(d.deploymentId);
  });
});
