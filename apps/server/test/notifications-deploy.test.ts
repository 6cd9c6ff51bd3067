// A real deploy that fails (the process platform runs an app that never becomes healthy) notifies a
// subscribed endpoint that keeps answering 500 of "deployment.failed": the deploy job fails for its own
// reason, at its own pace, the deployment keeps the status the deploy gave it, and the delivery goes on being
// retried apart from all of it.
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JobKind, JobService, JobState, NotificationFormat, NotificationService } from "@berth/proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packDirectory } from "../src/builders/pack-directory.js";
import { upsertApplication } from "../src/catalog/projects.js";
import { insertBuild } from "../src/history/insert-history.js";
import { engineOf } from "../src/lifecycle/engine.js";
import { clientFor } from "./helpers/api-client.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

let server: TestServer;
let hook: WebhookReceiver;

beforeAll(async () => {
  server = await startTestServer({
    builtinRunner: true,
    notifications: { pollMs: 10, baseMs: 5, maxMs: 20 },
  });
  hook = await startWebhookReceiver(() => 500);
});
afterAll(async () => {
  await server?.dispose();
  await hook?.close();
});

describe("a failed deploy's notification", () => {
  it("is sent and retried while the job and the deployment end as they would without it", async () => {
    const db = server.ctx.store.db;
    const srcDir = join(server.dataDir, "never-listens");
    mkdirSync(srcDir);
    writeFileSync(join(srcDir, "idle.js"), "setInterval(() => {}, 1000);");
    const packed = await packDirectory(srcDir, join(server.dataDir, "packed"));
    await engineOf(server.ctx).artifacts.receive(
      packed.digest,
      packed.sizeBytes,
      createReadStream(packed.path),
    );
    const app = await upsertApplication(db, {
      project: "alerts",
      app: "idle",
      labels: {},
      configJson: JSON.stringify({
        deploy: { command: "node idle.js", count: 1, health: { path: "/", startTimeoutMs: 1_000 } },
      }),
    });
    const build = await insertBuild(db, {
      appId: app.id,
      status: "success",
      artifactDigest: packed.digest,
      artifactSize: packed.sizeBytes,
    });
    const token = server.bootstrapToken!;
    await clientFor(server, NotificationService, token).createNotificationSubscription({
      project: "alerts",
      url: hook.url,
      format: NotificationFormat.JSON,
      events: ["deployment.failed"],
    });

    const jobs = clientFor(server, JobService, token);
    const { job } = await jobs.queueJob({
      app: { project: "alerts", app: "idle" },
      kind: JobKind.DEPLOY,
      params: { case: "deploy", value: { buildId: build.id } },
    });
    let last: { state: JobState; error: string } | undefined;
    for await (const res of jobs.getJobStream({ id: job!.id })) last = res.job;
    expect(last?.state).toBe(JobState.ERROR);
    expect(last?.error).toContain("health check did not pass within 1s");

    const [first] = await hook.received(3);
    const payload = JSON.parse(first!.body) as {
      type: string;
      data: { app: string; reason: string; build: { seq: number }; deployment: { seq: number; url: string } };
    };
    expect(payload.type).toBe("deployment.failed");
    expect(payload.data.app).toBe("idle");
    expect(payload.data.reason).toContain("health check did not pass within 1s");
    expect(payload.data.build.seq).toBe(build.seq);
    expect(payload.data.deployment.url).toBe(`http://idle--v1.alerts.localhost:${server.routerPort}`);

    const deployment = await db
      .selectFrom("deployments")
      .select(["status", "error"])
      .where("app_id", "=", app.id)
      .executeTakeFirstOrThrow();
    // As the deploy left it: unhealthy (its instance kept for a look), the job failed.
    expect(deployment.status).toBe("unhealthy");
    expect(deployment.error).toContain("health check did not pass");
    const delivery = await db
      .selectFrom("notification_deliveries")
      .select(["state", "event"])
      .where("project", "=", "alerts")
      .executeTakeFirstOrThrow();
    expect(delivery).toEqual({ state: "pending", event: "deployment.failed" });
  });
});
