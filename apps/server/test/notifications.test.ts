// Outbound notifications against a real server and a real HTTP endpoint on 127.0.0.1: retries until a 2xx,
// every attempt logged, Standard Webhooks signatures that verify, Redeliver, formats, and a delivery that
// survives a server restart. Backoff and polling are shortened through the server's test options.
import {
  DeploymentService,
  DeploymentStatus,
  ListNotificationSubscriptionsResponseSchema,
  NotificationDeliveryState,
  NotificationFormat,
  NotificationService,
  ReleaseService,
} from "@berth/proto";
import { toJsonString } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { sql } from "kysely";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertDeployment } from "../src/history/insert-history.js";
import { appendLifecycleEvent } from "../src/lifecycle-log/lifecycle-event.js";
import { maxSubscriptionsPerProject } from "../src/notifications/subscriptions.js";
import { clientFor, errorOf } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const fast = { pollMs: 10, baseMs: 5, maxMs: 20, attemptTimeoutMs: 5_000 };
const sha = (c: string) => c.repeat(40);
let server: TestServer;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  server = await startTestServer({ notifications: fast });
});
afterAll(async () => {
  await server?.dispose();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(answer?: (n: number) => number): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(answer);
  receivers.push(r);
  return r;
}

async function seedApp(s: TestServer, project: string, deployments: number) {
  const app = await upsertApplication(s.ctx.store.db, { project, app: "web", labels: {}, configJson: "" });
  for (let i = 1; i <= deployments; i++)
    await insertDeployment(s.ctx.store.db, {
      appId: app.id,
      status: "healthy",
      git: { sha: sha(String(i)), message: "fix <b>all</b> the things" },
    });
  return app;
}

describe("notifications", () => {
  it("retries an endpoint answering 500 five times until its 200, logs six attempts, leaves the deployment alone, redelivers", async () => {
    await seedApp(server, "ship", 1);
    const hook = await receiver((n) => (n < 5 ? 500 : 200));
    const notifications = clientFor(server, NotificationService, server.bootstrapToken!);
    const { subscription, secret } = await notifications.createNotificationSubscription({
      project: "ship",
      url: hook.url,
      format: NotificationFormat.STANDARD,
      events: ["release", "deployment.failed"],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(subscription?.events).toEqual(["release", "deployment.failed"]);
    // The list never shows the secret.
    const listed = await notifications.listNotificationSubscriptions({ project: "ship" });
    expect(toJsonString(ListNotificationSubscriptionsResponseSchema, listed)).not.toContain(secret.slice(6));
    expect(listed.subscriptions.map((s) => s.url)).toEqual([hook.url]);

    const releases = clientFor(server, ReleaseService, server.bootstrapToken!);
    await releases.release({ app: { project: "ship", app: "web" }, seq: 1, reason: "ship it" });
    const deployments = clientFor(server, DeploymentService, server.bootstrapToken!);
    const statusOfV1 = async () =>
      (await deployments.getDeployment({ app: { project: "ship", app: "web" }, seq: 1 })).deployment?.status;

    await hook.received(1);
    expect(await statusOfV1()).toBe(DeploymentStatus.HEALTHY);
    const sent = await hook.received(6);
    expect(sent.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 200]);
    const ids = new Set(sent.map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    const webhook = new Webhook(secret);
    for (const r of sent) {
      expect(r.method).toBe("POST");
      expect(r.headers["content-type"]).toBe("application/json");
      const payload = webhook.verify(r.body, r.headers as Record<string, string>) as {
        type: string;
        data: {
          project: string;
          app: string;
          deployment: { seq: number; url: string };
          url: string;
          reason: string;
        };
      };
      expect(payload.type).toBe("release");
      expect(payload.data).toMatchObject({ project: "ship", app: "web", reason: "ship it" });
      expect(payload.data.deployment.seq).toBe(1);
      expect(payload.data.url).toBe(`http://web.ship.localhost:${server.routerPort}`);
    }
    // A tampered body fails verification.
    expect(() =>
      webhook.verify(
        sent[5]!.body.replace("ship it", "ship that"),
        sent[5]!.headers as Record<string, string>,
      ),
    ).toThrow();

    const log = await until(async () => {
      const { deliveries } = await notifications.listNotificationDeliveries({ project: "ship" });
      return deliveries[0]?.state === NotificationDeliveryState.DELIVERED ? deliveries : undefined;
    });
    expect(log).toHaveLength(1);
    const delivery = log[0]!;
    expect(delivery.id).toBe([...ids][0]);
    expect(delivery.event).toBe("release");
    expect(delivery.summary).toBe(`[ship] web v1 released by bootstrap: ship it (${sha("1").slice(0, 7)})`);
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 200]);
    expect(JSON.parse(delivery.payloadJson).data.deployment.seq).toBe(1);
    expect(await statusOfV1()).toBe(DeploymentStatus.HEALTHY);

    const { delivery: again } = await notifications.redeliverNotification({
      project: "ship",
      deliveryId: delivery.id,
    });
    expect(again?.id).toBe(delivery.id);
    expect(again?.attempts.length).toBeGreaterThanOrEqual(6);
    const seventh = (await hook.received(7))[6]!;
    expect(seventh.headers["webhook-id"]).toBe(delivery.id);
    expect(webhook.verify(seventh.body, seventh.headers as Record<string, string>)).toMatchObject({
      type: "release",
    });
    const after = await until(async () => {
      const { deliveries } = await notifications.listNotificationDeliveries({ project: "ship" });
      const d = deliveries[0];
      return d?.attempts.length === 7 && d.state === NotificationDeliveryState.DELIVERED ? d : undefined;
    });
    expect(after.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 200, 200]);
    expect(hook.requests).toHaveLength(7);
  });

  it("refuses an unknown event, a non-http URL or one subscription too many, naming it", async () => {
    await seedApp(server, "bad", 0);
    const notifications = clientFor(server, NotificationService, server.bootstrapToken!);
    const unknown = await errorOf(
      notifications.createNotificationSubscription({
        project: "bad",
        url: "http://127.0.0.1:1/x",
        format: NotificationFormat.JSON,
        events: ["release", "deploy.exploded"],
      }),
    );
    expect(unknown.code).toBe(Code.InvalidArgument);
    expect(unknown.rawMessage).toContain('unknown event "deploy.exploded"');
    expect(unknown.rawMessage).toContain("deployment.failed");
    const scheme = await errorOf(
      notifications.createNotificationSubscription({
        project: "bad",
        url: "file:///etc/passwd",
        format: NotificationFormat.JSON,
        events: ["release"],
      }),
    );
    expect(scheme.code).toBe(Code.InvalidArgument);
    expect(scheme.rawMessage).toContain("url: only http:// and https://");
    const noProject = await errorOf(
      notifications.createNotificationSubscription({
        project: "nope",
        url: "http://127.0.0.1:1/x",
        format: NotificationFormat.JSON,
        events: ["release"],
      }),
    );
    expect(noProject.code).toBe(Code.NotFound);
    expect((await notifications.listNotificationSubscriptions({ project: "bad" })).subscriptions).toEqual([]);

    const ok = {
      project: "bad",
      url: "http://127.0.0.1:1/x",
      format: NotificationFormat.JSON,
      events: ["release"],
    };
    for (let i = 0; i < maxSubscriptionsPerProject; i++)
      await notifications.createNotificationSubscription(ok);
    const tooMany = await errorOf(notifications.createNotificationSubscription(ok));
    expect(tooMany.code).toBe(Code.ResourceExhausted);
    expect(tooMany.rawMessage).toContain(`has ${maxSubscriptionsPerProject} notification subscriptions`);
  });

  it("sends Slack text with user text escaped and generic JSON unsigned; reports a crash loop once", async () => {
    const app = await seedApp(server, "chat", 2);
    const slack = await receiver();
    const json = await receiver();
    const notifications = clientFor(server, NotificationService, server.bootstrapToken!);
    await notifications.createNotificationSubscription({
      project: "chat",
      url: `${slack.url}/services/T0/B0/SECRET`,
      format: NotificationFormat.SLACK,
      events: ["rollback"],
    });
    await notifications.createNotificationSubscription({
      project: "chat",
      url: json.url,
      format: NotificationFormat.JSON,
      events: ["instance.crash_loop"],
    });
    const { subscriptions } = await notifications.listNotificationSubscriptions({ project: "chat" });
    expect(subscriptions.map((s) => s.url)).toEqual([`${new URL(slack.url).origin}/hook/…`, json.url]);

    const releases = clientFor(server, ReleaseService, server.bootstrapToken!);
    const ref = { project: "chat", app: "web" };
    await releases.release({ app: ref, seq: 1 });
    await releases.release({ app: ref, seq: 2 });
    await releases.rollback({ app: ref, reason: "<!channel> v2 broke & burned" });
    const [text] = await slack.received(1);
    expect(text!.path).toBe("/hook/services/T0/B0/SECRET");
    expect(text!.headers["webhook-signature"]).toBeUndefined();
    expect(JSON.parse(text!.body)).toEqual({
      text: `[chat] web rolled back to v1 by bootstrap: &lt;!channel&gt; v2 broke &amp; burned (${sha("1").slice(0, 7)}) <http://web.chat.localhost:${server.routerPort}|open>`,
    });

    const deployment = await server.ctx.store.db
      .selectFrom("deployments")
      .select("id")
      .where("app_id", "=", app.id)
      .where("seq", "=", 2)
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 4; i++)
      await appendLifecycleEvent(server.ctx.store.db, {
        kind: "instance.crashed",
        project: "chat",
        appId: app.id,
        deploymentId: deployment.id,
        reason: "exit code 1",
        details: { instanceId: "i-0", idx: 0, restarts: i + 1 },
      });
    const [loop] = await json.received(1);
    expect(loop!.headers["webhook-id"]).toBeUndefined();
    expect(JSON.parse(loop!.body)).toMatchObject({
      type: "instance.crash_loop",
      data: { app: "web", deployment: { seq: 2 }, instance: { id: "i-0", idx: 0, restarts: 3 } },
    });
    // The fourth crash is the same loop: still exactly one delivery.
    const { deliveries } = await notifications.listNotificationDeliveries({ project: "chat" });
    expect(deliveries.filter((d) => d.event === "instance.crash_loop")).toHaveLength(1);
  });

  it("never fails the change it reports: a delivery that cannot be queued is a warning, the release stands", async () => {
    await seedApp(server, "isolated", 1);
    const hook = await receiver();
    const token = server.bootstrapToken!;
    await clientFor(server, NotificationService, token).createNotificationSubscription({
      project: "isolated",
      url: hook.url,
      format: NotificationFormat.JSON,
      events: ["release"],
    });
    const db = server.ctx.store.db;
    // The outbox refuses every row, as a full disk or a broken table would.
    const pg = server.ctx.store.dialect === "postgres";
    if (pg) {
      await sql`CREATE FUNCTION refuse_deliveries() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox on fire'; END $$ LANGUAGE plpgsql`.execute(
        db,
      );
      await sql`CREATE TRIGGER refuse_deliveries BEFORE INSERT ON notification_deliveries FOR EACH ROW EXECUTE FUNCTION refuse_deliveries()`.execute(
        db,
      );
    } else {
      await sql`CREATE TRIGGER refuse_deliveries BEFORE INSERT ON notification_deliveries BEGIN SELECT RAISE(ABORT, 'outbox on fire'); END`.execute(
        db,
      );
    }
    // Other warnings may come first: wait for this one.
    const warned = new Promise<string>((resolve) => {
      const onWarning = (w: Error) => {
        if (!w.message.includes("outbox on fire")) return;
        process.off("warning", onWarning);
        resolve(w.message);
      };
      process.on("warning", onWarning);
    });
    try {
      const { release } = await clientFor(server, ReleaseService, token).release({
        app: { project: "isolated", app: "web" },
        seq: 1,
      });
      expect(release?.seq).toBe(1);
      expect(await warned).toMatch(
        /^queueing notifications of lifecycle event \S+ \(release\) failed: .*outbox on fire/,
      );
    } finally {
      await sql`DROP TRIGGER refuse_deliveries${sql.raw(pg ? " ON notification_deliveries" : "")}`.execute(
        db,
      );
      if (pg) await sql`DROP FUNCTION refuse_deliveries()`.execute(db);
    }
    const events = await db
      .selectFrom("lifecycle_events")
      .select("kind")
      .where("project", "=", "isolated")
      .execute();
    expect(events.map((e) => e.kind)).toEqual(["release"]);
    const app = await db
      .selectFrom("applications")
      .select("current_release_id")
      .where("project", "=", "isolated")
      .executeTakeFirst();
    expect(app?.current_release_id).toBeTruthy();
    const { deliveries } = await clientFor(server, NotificationService, token).listNotificationDeliveries({
      project: "isolated",
    });
    expect(deliveries).toEqual([]);
  });

  it("sends at once after a release, without waiting for the next poll", async () => {
    const hook = await receiver();
    const slow = await startTestServer({ notifications: { ...fast, pollMs: 600_000 } });
    try {
      await seedApp(slow, "prompt", 1);
      const token = slow.bootstrapToken!;
      await clientFor(slow, NotificationService, token).createNotificationSubscription({
        project: "prompt",
        url: hook.url,
        format: NotificationFormat.JSON,
        events: ["release"],
      });
      await clientFor(slow, ReleaseService, token).release({
        app: { project: "prompt", app: "web" },
        seq: 1,
      });
      const [sent] = await hook.received(1, 10_000);
      expect(JSON.parse(sent!.body)).toMatchObject({ type: "release", data: { project: "prompt" } });
    } finally {
      await slow.dispose();
    }
  });

  it("keeps a queued delivery through a server restart and sends it from the next server", async () => {
    let up = false;
    const hook = await receiver(() => (up ? 204 : 503));
    // SQLite: the restarted server must open the same store (a test PostgreSQL database is dropped on close).
    const first = await startTestServer({ notifications: fast, storeDialect: "sqlite" });
    await seedApp(first, "durable", 1);
    const token = first.bootstrapToken!;
    await clientFor(first, NotificationService, token).createNotificationSubscription({
      project: "durable",
      url: hook.url,
      format: NotificationFormat.STANDARD,
      events: ["release"],
    });
    await clientFor(first, ReleaseService, token).release({
      app: { project: "durable", app: "web" },
      seq: 1,
    });
    await hook.received(1);
    await first.close();
    const attemptsBefore = hook.requests.length;
    up = true;
    const second = await startTestServer({
      notifications: fast,
      dataDir: first.dataDir,
      storeDialect: "sqlite",
    });
    try {
      await hook.received(attemptsBefore + 1);
      expect(new Set(hook.requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
      const notifications = clientFor(second, NotificationService, token);
      const delivered2 = await until(async () => {
        const { deliveries } = await notifications.listNotificationDeliveries({ project: "durable" });
        return deliveries[0]?.state === NotificationDeliveryState.DELIVERED ? deliveries : undefined;
      });
      expect(delivered2).toHaveLength(1);
      expect(delivered2[0]?.attempts.at(-1)?.statusCode).toBe(204);
      expect(delivered2[0]?.attempts.slice(0, -1).every((a) => a.statusCode === 503)).toBe(true);
    } finally {
      await second.dispose();
    }
  });
});

/** Polls `fn` (every 10 ms, up to 10 s) until it returns something. */
async function until<T>(fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error("timed out waiting for the delivery log");
    await new Promise((r) => setTimeout(r, 10));
  }
}
