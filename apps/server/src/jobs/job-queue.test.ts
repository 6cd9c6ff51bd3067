import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openTestStore, storeDialects, type TestStore } from "../../test/helpers/test-stores.js";
import { createEventBus } from "../events/event-bus.js";
import { openStore, type Store } from "../store/open-store.js";
import type { JobEventBody } from "./job-events.js";
import { createJobQueue } from "./job-queue.js";

let opened: TestStore | undefined;
const extra: Store[] = [];
afterEach(async () => {
  for (const s of extra.splice(0)) await s.close();
  await opened?.dispose();
  opened = undefined;
});

const noParams = { case: undefined } as const;
const stepStarted = (step: string): JobEventBody => ({
  case: "stepStarted",
  value: { $typeName: "berth.v1.JobEvent.StepStarted", step, title: step },
});

describe.each(storeDialects)("job queue on %s", (dialect) => {
  it("marks the job running and records its runner in one statement", async () => {
    opened = await openTestStore(dialect);
    const { store } = opened;
    // Any statement that makes a job run without a runner is refused by the database itself: a claim split in
    // two statements would leave that state visible to other connections (and after a crash) between them.
    if (store.dialect === "sqlite")
      store.sqlite.exec(`CREATE TRIGGER running_needs_runner BEFORE UPDATE OF state ON jobs
        WHEN NEW.state = 'running' AND NEW.runner_id IS NULL
        BEGIN SELECT RAISE(ABORT, 'a running job must name its runner'); END`);
    else
      await sql`ALTER TABLE jobs ADD CONSTRAINT running_needs_runner
        CHECK (state <> 'running' OR runner_id IS NOT NULL)`.execute(store.db);
    const queue = createJobQueue(store, createEventBus());
    const job = await queue.queue({ kind: "build", project: "p", app: "a", params: noParams });
    const claimed = await queue.claim({ id: "runner-1", kind: "agent" });
    expect(claimed).toMatchObject({ id: job.id, state: "running", runner_id: "runner-1" });
    expect(await queue.get(job.id)).toMatchObject({ state: "running", runner_id: "runner-1" });
    expect(await queue.claim({ id: "runner-2", kind: "agent" })).toBeUndefined();
  });

  it("puts a gone runner's running jobs back in the queue with the reason, leaving other runners' jobs alone", async () => {
    opened = await openTestStore(dialect);
    const queue = createJobQueue(opened.store, createEventBus());
    const first = await queue.queue({ kind: "deploy", project: "p", app: "a", params: noParams });
    const second = await queue.queue({ kind: "deploy", project: "p", app: "a", params: noParams });
    await queue.claim({ id: "builtin-dead", kind: "builtin" });
    await queue.claim({ id: "builtin-alive", kind: "builtin" });
    const requeued = await queue.requeue("builtin-dead", "re-queued: replica dead stopped responding");
    expect(requeued.map((j) => j.id)).toEqual([first.id]);
    expect(await queue.get(first.id)).toMatchObject({ state: "queued", runner_id: null, started_at: null });
    expect(await queue.get(second.id)).toMatchObject({ state: "running", runner_id: "builtin-alive" });
    const again = await queue.claim({ id: "builtin-alive", kind: "builtin" });
    expect(again).toMatchObject({ id: first.id, state: "running", runner_id: "builtin-alive" });
    const abort = new AbortController();
    const replay = await queue.follow(first.id, 0n, abort.signal).next();
    abort.abort();
    const events = replay.done ? [] : replay.value.events;
    expect(events.map((e) => (e.event.case === "line" ? e.event.value.text : e.event.case))).toEqual([
      "state",
      "re-queued: replica dead stopped responding",
      "state",
    ]);
  });

  it("hands out jobs oldest first, only to eligible runners, and numbers events in emit order", async () => {
    opened = await openTestStore(dialect);
    const queue = createJobQueue(opened.store, createEventBus());
    const build = await queue.queue({ kind: "build", project: "p", app: "a", params: noParams });
    const deploy = await queue.queue({ kind: "deploy", project: "p", app: "a", params: noParams });
    const mine = await queue.queue({
      kind: "build",
      project: "p",
      app: "a",
      targetRunnerId: "cli-1",
      params: noParams,
    });
    expect((await queue.claim({ id: "cli-2", kind: "cli" }))?.id).toBeUndefined();
    expect((await queue.claim({ id: "cli-1", kind: "cli" }))?.id).toBe(mine.id);
    expect((await queue.claim({ id: "builtin", kind: "builtin" }))?.id).toBe(deploy.id);
    expect((await queue.claim({ id: "agent", kind: "agent" }))?.id).toBe(build.id);

    // Emitted without awaiting each: the queue itself keeps them in order with distinct seqs.
    await Promise.all(Array.from({ length: 20 }, (_, i) => queue.emit(build.id, stepStarted(`s${i}`))));
    const done = await queue.finish(build.id, { state: "success" });
    expect(done.state).toBe("success");
    const seen: string[] = [];
    for await (const batch of queue.follow(build.id, 0n, AbortSignal.timeout(10_000)))
      for (const ev of batch.events) if (ev.event.case === "stepStarted") seen.push(ev.event.value.step);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
  });
});

describe("job claim on PostgreSQL with two servers", () => {
  it("never hands one job to two claimers", async () => {
    opened = await openTestStore("postgres");
    // The second store opens the same database through its own pool, as a second server would.
    const second = await openStore({ url: opened.url ?? "" });
    extra.push(second);
    const queues = [opened.store, second].map((s) => createJobQueue(s, createEventBus()));
    const total = 60;
    for (let i = 0; i < total; i++)
      await queues[0]!.queue({ kind: "build", project: "p", app: "a", params: noParams });
    // Eight claimers (four per server, each on its own pooled connection) race until the queue is empty.
    const claimedBy = new Map<string, string[]>();
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const runner = { id: `agent-${i}`, kind: "agent" as const };
        const queue = queues[i % 2]!;
        for (;;) {
          const job = await queue.claim(runner);
          if (!job) return;
          claimedBy.set(job.id, [...(claimedBy.get(job.id) ?? []), runner.id]);
        }
      }),
    );
    expect(claimedBy.size).toBe(total);
    expect([...claimedBy.values()].filter((who) => who.length !== 1)).toEqual([]);
    const rows = await second.db.selectFrom("jobs").select(["state", "runner_id"]).execute();
    expect(rows.filter((r) => r.state !== "running" || !r.runner_id)).toEqual([]);
  });
});
