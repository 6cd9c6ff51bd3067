import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../../test/helpers/test-stores.js";
import { createEventBus } from "../events/event-bus.js";
import { createJobQueue } from "./job-queue.js";
import { startJobWatchdog } from "./job-watchdog.js";

let opened: TestStore | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  stop = undefined;
  await opened?.dispose();
  opened = undefined;
});

describe("job watchdog with several replicas on PostgreSQL", () => {
  it("waits for a targeted runner another replica holds, and fails the job once no replica has seen it", async () => {
    opened = await openTestStore("postgres");
    const { db } = opened.store;
    const queue = createJobQueue(opened.store, createEventBus());
    const now = Date.now();
    // A CLI runner connected to another replica: not connected here, but stamped by that replica's watchdog.
    await db
      .insertInto("runners")
      .values({ id: "cli-1", name: "ada's laptop", kind: "cli", registered_at: now, last_seen_at: now })
      .execute();
    const job = await queue.queue({
      kind: "build",
      project: "p",
      app: "a",
      targetRunnerId: "cli-1",
      params: { case: undefined },
    });
    await db
      .updateTable("jobs")
      .set({ queued_at: now - 60_000 })
      .where("id", "=", job.id)
      .execute();
    const watchdog = startJobWatchdog({
      store: opened.store,
      queue,
      liveJobs: () => [],
      isConnected: () => false,
      connectedRunners: () => [],
      timeoutMs: 5_000,
    });
    stop = watchdog.stop;

    await watchdog.tick();
    expect(await queue.get(job.id)).toMatchObject({ state: "queued" });

    await db
      .updateTable("runners")
      .set({ last_seen_at: now - 60_000 })
      .where("id", "=", "cli-1")
      .execute();
    await watchdog.tick();
    expect(await queue.get(job.id)).toMatchObject({
      state: "error",
      error: "the runner this job was queued for (cli-1) is not connected; it waited 5s",
    });
  });
});
