// Config vars over real gRPC: scopes, secrets masking, revisions, restore, diff, audit and the live event.
import { AuditService, ConfigScope, ConfigService, EventService, ProjectService } from "@berth/proto";
import { type Client, Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/tokens.js";
import { effectiveConfig } from "../src/config/effective-config.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { storeDialects } from "./helpers/test-stores.js";

describe.each(storeDialects)("config API on %s", (storeDialect) => {
  let server: TestServer;
  let admin: Client<typeof ConfigService>;
  let viewer: Client<typeof ConfigService>;
  let deployer: Client<typeof ConfigService>;

  beforeAll(async () => {
    server = await startTestServer({ storeDialect });
    const db = server.ctx.store.db;
    admin = clientFor(server, ConfigService, server.bootstrapToken!);
    viewer = clientFor(
      server,
      ConfigService,
      (await issueToken(db, { kind: "login", role: "viewer", name: "vic" })).secret,
    );
    deployer = clientFor(
      server,
      ConfigService,
      (await issueToken(db, { kind: "login", role: "deployer", name: "dee" })).secret,
    );
    await clientFor(server, ProjectService, server.bootstrapToken!).upsertApplication({
      app: { project: "shop", app: "web" },
    });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it("sets project and app vars as revisions, overlays them and masks secrets", async () => {
    const events = clientFor(server, EventService, server.bootstrapToken!);
    const abort = new AbortController();
    const stream = events.watchEvents({ project: "shop" }, { signal: abort.signal })[Symbol.asyncIterator]();
    expect((await stream.next()).value?.event.case).toBe("heartbeat");

    const r1 = await deployer.setConfigVars({
      scope: ConfigScope.PROJECT,
      project: "shop",
      set: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "DB_URL", value: "postgres://p" },
      ],
    });
    expect(r1.revision?.revision).toBe(1);
    const announced = await stream.next();
    expect(announced.value?.event).toMatchObject({ case: "config", value: { revision: 1, project: "shop" } });
    abort.abort();

    const r2 = await deployer.setConfigVars({
      scope: ConfigScope.APP,
      project: "shop",
      app: "web",
      set: [
        { name: "DB_URL", value: "postgres://web", secret: true },
        { name: "PORT_NAME", value: "http" },
      ],
    });
    expect(r2.revision?.revision).toBe(2);
    expect(r2.revision?.changes.find((c) => c.name === "DB_URL")).toMatchObject({
      secret: true,
      newValue: "",
    });

    const listed = await viewer.listConfigVars({ project: "shop", app: "web" });
    expect(listed.revision).toBe(2);
    expect(listed.vars.map((v) => [v.name, v.value, v.masked, v.scope])).toEqual([
      ["DB_URL", "", true, ConfigScope.APP],
      ["LOG_LEVEL", "info", false, ConfigScope.PROJECT],
      ["PORT_NAME", "http", false, ConfigScope.APP],
    ]);
    const revealed = await admin.listConfigVars({ project: "shop", app: "web", reveal: true });
    expect(revealed.vars.find((v) => v.name === "DB_URL")?.value).toBe("postgres://web");
    expect((await errorOf(deployer.listConfigVars({ project: "shop", reveal: true }))).code).toBe(
      Code.PermissionDenied,
    );

    expect(await effectiveConfig(server.ctx.store.db, "shop", "web")).toEqual({
      env: { LOG_LEVEL: "info", DB_URL: "postgres://web", PORT_NAME: "http" },
      revision: 2,
    });
  });

  it("restores an old revision and diffs revisions of an app's effective config", async () => {
    const r3 = await deployer.setConfigVars({
      scope: ConfigScope.PROJECT,
      project: "shop",
      set: [{ name: "LOG_LEVEL", value: "debug" }],
      unset: ["DB_URL"],
    });
    expect(r3.revision?.revision).toBe(3);
    const diff = await viewer.diffConfigRevisions({ app: { project: "shop", app: "web" } });
    // DB_URL stays set at app scope, so only LOG_LEVEL changed for the app.
    expect(diff.changes.map((c) => [c.name, c.change, c.oldValue, c.newValue])).toEqual([
      ["LOG_LEVEL", "changed", "info", "debug"],
    ]);

    const restored = await deployer.restoreConfigRevision({ project: "shop", revision: 1 });
    expect(restored.revision).toMatchObject({ revision: 4, restoredFrom: 1 });
    const env = await effectiveConfig(server.ctx.store.db, "shop", "web");
    expect(env.env.LOG_LEVEL).toBe("info");

    const wrongScope = await errorOf(deployer.restoreConfigRevision({ project: "shop", revision: 2 }));
    expect(wrongScope.code).toBe(Code.FailedPrecondition);

    const revisions = await viewer.listConfigRevisions({ project: "shop", pageSize: 3 });
    expect(revisions.revisions.map((r) => r.revision)).toEqual([4, 3, 2]);
    const more = await viewer.listConfigRevisions({
      project: "shop",
      pageSize: 3,
      pageToken: revisions.nextPageToken,
    });
    expect(more.revisions.map((r) => r.revision)).toEqual([1]);
  });

  it("refuses viewers, unknown scopes and unsetting what is not set", async () => {
    const denied = await errorOf(
      viewer.setConfigVars({ scope: ConfigScope.PROJECT, project: "shop", set: [{ name: "A", value: "1" }] }),
    );
    expect(denied.code).toBe(Code.PermissionDenied);
    const noApp = await errorOf(
      deployer.setConfigVars({
        scope: ConfigScope.APP,
        project: "shop",
        app: "api",
        set: [{ name: "A", value: "1" }],
      }),
    );
    expect(noApp.code).toBe(Code.NotFound);
    expect(noApp.message).toMatch(/"api"/);
    const unsetMissing = await errorOf(
      deployer.setConfigVars({ scope: ConfigScope.PROJECT, project: "shop", unset: ["NOPE"] }),
    );
    expect(unsetMissing.code).toBe(Code.NotFound);
    expect(unsetMissing.message).toMatch(/NOPE/);
    const badName = await errorOf(
      deployer.setConfigVars({
        scope: ConfigScope.PROJECT,
        project: "shop",
        set: [{ name: "1-bad", value: "" }],
      }),
    );
    expect(badName.code).toBe(Code.InvalidArgument);
  });

  it("audits config changes without any values", async () => {
    const audit = clientFor(server, AuditService, server.bootstrapToken!);
    const { events } = await audit.listAuditEvents({ project: "shop", action: "config" });
    expect(events.map((e) => e.action)).toContain("config.set");
    expect(events.map((e) => e.action)).toContain("config.restore");
    const all = JSON.stringify(events.map((e) => e.detailsJson));
    expect(all).toContain("DB_URL");
    expect(all).not.toContain("postgres://");
    expect(all).not.toContain("debug");
    const page = await audit.listAuditEvents({ project: "shop", pageSize: 1 });
    const next = await audit.listAuditEvents({ project: "shop", pageSize: 1, pageToken: page.nextPageToken });
    expect(next.events[0]!.id < page.events[0]!.id).toBe(true);
  });

  it("lists berth.hcl defaults the app runs with, except those a config var overrides", async () => {
    await clientFor(server, ProjectService, server.bootstrapToken!).upsertApplication({
      app: { project: "shop", app: "hcl" },
      configJson: JSON.stringify({ config: { env: { GREETING: "hello", LEVEL: "info" } } }),
    });
    await admin.setConfigVars({
      scope: ConfigScope.APP,
      project: "shop",
      app: "hcl",
      set: [{ name: "LEVEL", value: "debug" }],
    });
    const res = await admin.listConfigVars({ project: "shop", app: "hcl" });
    expect(res.hclDefaults.map((d) => [d.name, d.value])).toEqual([["GREETING", "hello"]]);
    expect((await admin.listConfigVars({ project: "shop" })).hclDefaults).toEqual([]);
  });
});
