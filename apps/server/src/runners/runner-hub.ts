import { type Runner, RunnerSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { EventBus } from "../events/event-bus.js";
import type { JobQueue, RunnerRef } from "../jobs/job-queue.js";
import type { Store } from "../store/open-store.js";
import type { JobTable } from "../store/schema.js";

/** A runner connected right now: the built-in one, an agent, or a CLI. */
export interface ConnectedRunner extends RunnerRef {
  name: string;
  /** Jobs it may run at once (the built-in runner runs several deploys in parallel). */
  slots: number;
  /** Hands a claimed, started job to the runner. */
  deliver(job: JobTable): void;
  /** Tells the runner to stop working on a job. */
  cancel(jobId: string): void;
}

interface Entry {
  runner: ConnectedRunner;
  jobs: Set<string>;
  lastSeen: number;
}

export interface RunnerHub {
  /** Adds a connected runner (and records it); returns its removal. */
  connect(runner: ConnectedRunner): Promise<() => void>;
  /** The runner is alive (a heartbeat or any message). */
  seen(runnerId: string): void;
  /** The runner finished a job: free its slot and look for more work. */
  released(runnerId: string, jobId: string): void;
  cancel(jobId: string): void;
  dispatch(): void;
  list(): Promise<Runner[]>;
  /** Ids of running jobs whose runner is connected and alive (their heartbeats are refreshed). */
  liveJobs(maxSilenceMs: number): string[];
  isConnected(runnerId: string): boolean;
  /** Ids of the runners connected to this server now. */
  connectedIds(): string[];
}

/** Matches queued jobs with connected runners; the queue's atomic claim makes double-assignment impossible. */
export function createRunnerHub(
  store: Store,
  queue: JobQueue,
  events: EventBus,
  onError: (err: unknown) => void = () => {},
): RunnerHub {
  const runners = new Map<string, Entry>();
  // Claims are async (a PostgreSQL round trip): one dispatch loop at a time, so slots are never overfilled.
  let dispatching = false;
  let again = false;

  function runnerProto(
    id: string,
    name: string,
    kind: string,
    registeredAt: number,
    lastSeenAt: number,
  ): Runner {
    const e = runners.get(id);
    return create(RunnerSchema, {
      id,
      name,
      kind,
      online: !!e,
      currentJobId: e ? ([...e.jobs][0] ?? "") : "",
      lastSeenAt: timestampFromMs(e ? e.lastSeen : lastSeenAt),
      registeredAt: timestampFromMs(registeredAt),
    });
  }

  function publish(r: ConnectedRunner, registeredAt: number): void {
    events.publish({
      project: "",
      app: "",
      event: { case: "runner", value: runnerProto(r.id, r.name, r.kind, registeredAt, Date.now()) },
    });
  }

  const hub: RunnerHub = {
    async connect(runner) {
      const now = Date.now();
      await store.db
        .insertInto("runners")
        .values({
          id: runner.id,
          name: runner.name,
          kind: runner.kind,
          registered_at: now,
          last_seen_at: now,
        })
        .onConflict((oc) => oc.column("id").doUpdateSet({ last_seen_at: now, name: runner.name }))
        .execute();
      runners.set(runner.id, { runner, jobs: new Set(), lastSeen: now });
      publish(runner, now);
      hub.dispatch();
      return () => {
        runners.delete(runner.id);
        void store.db
          .updateTable("runners")
          .set({ last_seen_at: Date.now() })
          .where("id", "=", runner.id)
          .execute();
        publish(runner, now);
      };
    },
    seen(runnerId) {
      const e = runners.get(runnerId);
      if (e) e.lastSeen = Date.now();
    },
    released(runnerId, jobId) {
      runners.get(runnerId)?.jobs.delete(jobId);
      hub.dispatch();
    },
    cancel(jobId) {
      for (const e of runners.values()) if (e.jobs.has(jobId)) e.runner.cancel(jobId);
    },
    dispatch() {
      // A dispatch asked for while one runs goes round once more when it ends: nothing queued meanwhile waits.
      if (dispatching) {
        again = true;
        return;
      }
      dispatching = true;
      void (async () => {
        do {
          again = false;
          for (const e of [...runners.values()]) {
            while (runners.get(e.runner.id) === e && e.jobs.size < e.runner.slots) {
              const job = await queue.claim(e.runner);
              if (!job) break;
              e.jobs.add(job.id);
              queue.started(job).then(
                (started) => e.runner.deliver(started),
                (err: unknown) => {
                  e.jobs.delete(job.id);
                  void queue
                    .finish(job.id, { error: `the job could not start: ${(err as Error).message}` })
                    .catch(onError);
                },
              );
            }
          }
        } while (again);
      })()
        .catch(onError)
        .finally(() => {
          dispatching = false;
        });
    },
    async list() {
      const rows = await store.db
        .selectFrom("runners")
        .selectAll()
        .orderBy("last_seen_at", "desc")
        .limit(200)
        .execute();
      // A CLI is a runner only while its command runs: once gone it is history, not a runner to list.
      return rows
        .filter((r) => r.kind !== "cli" || runners.has(r.id))
        .map((r) => runnerProto(r.id, r.name, r.kind, r.registered_at, r.last_seen_at));
    },
    isConnected: (runnerId) => runners.has(runnerId),
    connectedIds: () => [...runners.keys()],
    liveJobs(maxSilenceMs) {
      const cutoff = Date.now() - maxSilenceMs;
      return [...runners.values()].filter((e) => e.lastSeen >= cutoff).flatMap((e) => [...e.jobs]);
    },
  };
  queue.onQueued(() => hub.dispatch());
  return hub;
}
