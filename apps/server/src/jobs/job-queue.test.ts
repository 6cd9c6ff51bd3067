import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEventBus } from "../events/event-bus.js";
import { openStore, type Store } from "../store/open-store.js";
import { createJobQueue } from "./job-queue.js";

let dir = "";
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("job claim", () => {
  it("marks the job running and records its runner in one statement", async () => {
    dir = await mkdtemp(join(tmpdir(), "berth-job-queue-"));
    store = await openStore({ path: join(dir, "berth.db") });
    // Any statement that makes a job run without a runner is refused by SQLite itself: a claim split in two
    // statements would leave that state visible to other connections (and after a crash) between them.
    store.sqlite.exec(`CREATE TRIGGER running_needs_runner BEFORE UPDATE OF state ON jobs
      WHEN NEW.state = 'running' AND NEW.runner_id IS NULL
      BEGIN SELECT RAISE(ABORT, 'a running job must name its runner'); END`);
    const queue = createJobQueue(store, createEventBus());
    const job = await queue.queue({ kind: "build", project: "p", app: "a", params: { case: undefined } });
    const claimed = queue.claim({ id: "runner-1", kind: "agent" });
    expect(claimed).toMatchObject({ id: job.id, state: "running", runner_id: "runner-1" });
    expect(queue.get(job.id)).toMatchObject({ state: "running", runner_id: "runner-1" });
  });
});
