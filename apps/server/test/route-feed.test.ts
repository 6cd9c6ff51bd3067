// RouterService.WatchRoutes against a real server: several routers get the same tables, a release reaches them
// before the release call returns, and a revoked router token ends its stream.
import { startRouter } from "@berth/router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken, revokeToken } from "../src/auth/tokens.js";
import { releaseDeployment } from "../src/lifecycle/release-deployment.js";
import { routesSettled } from "../src/route-feed/routes-settled.js";
import { seedDeployment } from "./helpers/runtime-fixture.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ router: "none" });
});
afterAll(async () => {
  await server?.dispose();
});

describe("route feed", () => {
  it("streams the same table to every router, a release before it returns, and ends on revocation", async () => {
    const db = server.ctx.store.db;
    const v1 = await seedDeployment(db, { project: "shop", app: "web", seq: 1 });
    const v2 = await seedDeployment(db, { project: "shop", app: "web", seq: 2 });
    // Seeded straight into the store (no event): the first table may have been built before; rebuild it.
    await routesSettled(server.ctx);
    const token = await issueToken(db, { kind: "router", name: "edge" });
    const logs: string[][] = [[], []];
    const routers = await Promise.all(
      [0, 1].map((n) =>
        startRouter({
          source: { serverUrls: [server.apiUrl], token: token.secret, name: `edge-${n}` },
          host: "127.0.0.1",
          port: 0,
          log: (m) => logs[n]!.push(m),
        }),
      ),
    );
    try {
      const tables = await Promise.all(routers.map((r) => r.waitForServerTable()));
      expect(tables[0]!.version).toBe(tables[1]!.version);
      expect(tables[0]!.baseDomain).toBe("localhost");
      // Seeded rows with no instance the platform runs: nothing to route to yet.
      expect(tables[0]!.deployments).toEqual([]);
      expect(tables[0]!.apps).toMatchObject([{ project: "shop", app: "web", targets: [] }]);

      await releaseDeployment(server.ctx, {
        project: "shop",
        app: "web",
        seq: 2,
        actor: { tokenId: "t", name: "ada" },
      });
      // The release call returned once the table was sent: both routers get it without polling the store.
      for (const r of routers)
        await expect
          .poll(() => r.table()?.apps[0]?.targets.map((t) => t.deploymentId), { timeout: 5_000 })
          .toEqual([v2.deploymentId]);
      expect(routers[0]!.table()?.version).toBe(routers[1]!.table()?.version);
      // A release target is listed even without instances, so its host answers 503 (not running), not 404.
      expect(routers[0]!.table()?.deployments.map((d) => d.seq)).toEqual([2]);
      expect(v1.deploymentId).not.toBe(v2.deploymentId);

      await revokeToken(db, server.ctx.tokenStreams, token.info.id);
      for (const log of logs)
        await expect.poll(() => log.join("\n"), { timeout: 5_000 }).toContain("refused the router token");
    } finally {
      for (const r of routers) await r.close();
    }
  });
});
