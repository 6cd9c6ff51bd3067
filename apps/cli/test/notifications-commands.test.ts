// `berth notifications` (the real binary) against a real server and a real webhook endpoint on 127.0.0.1:
// add prints the secret once, list hides it, deliveries shows every answer, redeliver sends again, rm removes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertDeployment, upsertApplication } from "@berth/server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../server/test/helpers/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../server/test/helpers/webhook-receiver.js";
import { runBerth } from "./helpers/run-berth.js";
import { until } from "./helpers/until.js";

describe("berth notifications", () => {
  let server: TestServer;
  let hook: WebhookReceiver;
  let configDir: string;
  let cwd: string;
  const berth = (args: string[]) =>
    runBerth(args, {
      cwd,
      env: { ...process.env, BERTH_CONFIG_DIR: configDir, NO_COLOR: "1" },
      timeout: 20_000,
    });

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "berth-cli-config-"));
    cwd = mkdtempSync(join(tmpdir(), "berth-cli-cwd-"));
    server = await startTestServer({ notifications: { pollMs: 10, baseMs: 5, maxMs: 20 } });
    hook = await startWebhookReceiver((n) => (n < 2 ? 502 : 200));
    const app = await upsertApplication(server.ctx.store.db, {
      project: "tell",
      app: "web",
      labels: {},
      configJson: "",
    });
    await insertDeployment(server.ctx.store.db, {
      appId: app.id,
      status: "healthy",
      git: { sha: "c".repeat(40) },
    });
    const login = await berth(["login", "--server", server.apiUrl, "--token", server.bootstrapToken!]);
    expect(login.code).toBe(0);
  });

  afterAll(async () => {
    await server?.dispose();
    await hook?.close();
    for (const dir of [configDir, cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("adds, lists, shows deliveries with their answers, redelivers and removes", async () => {
    const add = await berth([
      "notifications",
      "add",
      hook.url,
      "--event",
      "release,rollback",
      "--project",
      "tell",
    ]);
    expect(add.code, add.stderr).toBe(0);
    const secret = add.stdout.trim();
    expect(secret).toMatch(/^whsec_/);
    expect(add.stderr).toContain("shown only now");

    const list = await berth(["notifications", "list", "--project", "tell"]);
    expect(list.stdout).toContain(hook.url);
    expect(list.stdout).toContain("standard");
    expect(list.stdout).toContain("release,rollback");
    expect(list.stdout).not.toContain(secret.slice(6, 20));

    const bad = await berth([
      "notifications",
      "add",
      hook.url,
      "--event",
      "deploy.exploded",
      "--project",
      "tell",
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('unknown event "deploy.exploded"');

    expect((await berth(["release", "v1", "--project", "tell", "--app", "web"])).code).toBe(0);
    await hook.received(3);
    const deliveries = await until(
      "the delivery to be logged as delivered",
      async () => {
        const r = await berth(["notifications", "deliveries", "--project", "tell"]);
        return r.stdout.includes("delivered") ? r.stdout : undefined;
      },
      15_000,
      50,
    );
    expect(deliveries).toContain("502×2, 200");
    expect(deliveries).toContain("[tell] web v1 released by bootstrap");
    const id = /msg_[0-9A-Z]+/.exec(deliveries)?.[0];
    expect(id).toBeDefined();
    const sent = hook.requests[2]!;
    expect(new Webhook(secret).verify(sent.body, sent.headers as Record<string, string>)).toMatchObject({
      type: "release",
    });

    const again = await berth(["notifications", "redeliver", id!, "--project", "tell"]);
    expect(again.code, again.stderr).toBe(0);
    const fourth = (await hook.received(4))[3]!;
    expect(fourth.headers["webhook-id"]).toBe(id);

    const json = await berth(["notifications", "deliveries", "--project", "tell", "--json"]);
    const parsed = JSON.parse(json.stdout) as { id: string; state: string; attempts: unknown[] }[];
    expect(parsed[0]?.id).toBe(id);
    expect(["pending", "delivered"]).toContain(parsed[0]?.state);

    const subId = /sub_[0-9A-Z]+/.exec(list.stdout)?.[0];
    const rm = await berth(["notifications", "rm", subId!, "--project", "tell"]);
    expect(rm.code, rm.stderr).toBe(0);
    expect((await berth(["notifications", "list", "--project", "tell"])).stdout).toContain(
      "No notifications",
    );
  });
});
