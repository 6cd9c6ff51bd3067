import {
  type GitInfo,
  type Job,
  type JobEvent,
  JobEventSchema,
  type JobResult,
  JobState,
  OutputStream,
} from "@berth/proto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ulid } from "ulid";
import { gitColumnsFrom } from "../catalog/to-proto.js";
import type { EventBus } from "../events/event-bus.js";
import type { Store } from "../store/open-store.js";
import type { JobTable } from "../store/schema.js";
import { type JobEventBody, jobEvent, stateChanged } from "./job-events.js";
import {
  isTerminal,
  jobStateNames,
  mergeResults,
  paramsToJson,
  resultFromJson,
  resultToJson,
  toJobProto,
} from "./job-rows.js";
import { createJobStatements } from "./job-statements.js";

export interface QueueJobInput {
  kind: "build" | "deploy" | "release" | "up" | "destroy";
  project: string;
  app: string;
  git?: Partial<GitInfo>;
  targetRunnerId?: string;
  params: Job["params"];
  actor?: { tokenId: string; name: string };
  /** What started it: "" (a working tree), "remote", "webhook". */
  trigger?: string;
}

/** A runner as the queue sees it when handing out work. */
export interface RunnerRef {
  id: string;
  kind: "builtin" | "agent" | "cli";
}

export interface JobOutcome {
  result?: JobResult;
  error?: string;
  state?: "success" | "error" | "cancelled";
}

/** Per-kind hooks: record builds when a build job starts and ends, and so on. */
export interface JobHooks {
  started?(job: JobTable): Promise<Partial<JobResult> | undefined>;
  finished?(job: JobTable, outcome: JobOutcome): Promise<Partial<JobResult> | undefined>;
}

export interface JobQueue {
  queue(input: QueueJobInput): Promise<JobTable>;
  get(id: string): Promise<JobTable>;
  /** Atomically takes the oldest queued job this runner may run. */
  claim(runner: RunnerRef): Promise<JobTable | undefined>;
  /** Runs the kind's start hook (e.g. records the build) and returns the job as the runner gets it. */
  started(job: JobTable): Promise<JobTable>;
  /** Stores an event; a job's events are stored in the order emit is called. */
  emit(jobId: string, event: JobEventBody): Promise<void>;
  /** Stores an event produced elsewhere (a remote runner), renumbered by the queue. */
  emitEvent(jobId: string, event: JobEvent): Promise<void>;
  heartbeat(jobId: string): Promise<void>;
  /**
   * Puts the running jobs of a runner that is gone for good (the built-in runner of a dead replica) back in the
   * queue, with a line saying why: another runner takes them and runs them from the start.
   */
  requeue(runnerId: string, reason: string): Promise<JobTable[]>;
  finish(jobId: string, outcome: JobOutcome): Promise<JobTable>;
  /** Replays a job's events after `afterSeq`, then follows until the job ends or the signal aborts. */
  follow(
    id: string,
    afterSeq: bigint,
    signal: AbortSignal,
  ): AsyncGenerator<{ job: JobTable; events: JobEvent[] }>;
  /** Called whenever a job is queued (the runner hub dispatches on it). */
  onQueued(listener: () => void): void;
  setHooks(kind: QueueJobInput["kind"], hooks: JobHooks): void;
}

/** The persistent job queue: jobs and their output events live in the store; followers are woken in-process. */
export function createJobQueue(store: Store, events: EventBus): JobQueue {
  const { db } = store;
  const stmts = createJobStatements(store);
  const wakers = new Map<string, Set<() => void>>();
  const queuedListeners: (() => void)[] = [];
  const hooks = new Map<string, JobHooks>();
  // Each job's event writes in call order: its seq is MAX + 1, so two writes in flight at once (possible on a
  // PostgreSQL pool) would take the same number.
  const writing = new Map<string, Promise<void>>();

  function wake(jobId: string): void {
    for (const w of wakers.get(jobId) ?? []) w();
  }

  function publish(row: JobTable): void {
    events.publish({ project: row.project, app: row.app, event: { case: "job", value: toJobProto(row) } });
  }

  async function get(id: string): Promise<JobTable> {
    const row = await stmts.get(id);
    if (!row) throw new ConnectError(`job "${id}" not found`, Code.NotFound);
    return row;
  }

  function emit(jobId: string, body: JobEventBody): Promise<void> {
    const bytes = Buffer.from(toBinary(JobEventSchema, jobEvent(body)));
    const time = Date.now();
    const write = () => stmts.insertEvent(jobId, time, bytes).then(() => wake(jobId));
    // With nothing in flight the write starts now (on SQLite it has run when emit returns, as it always did).
    const before = writing.get(jobId);
    const done = before ? before.then(write, write) : write();
    const settled = done.catch(() => {});
    writing.set(jobId, settled);
    void settled.then(() => {
      if (writing.get(jobId) === settled) writing.delete(jobId);
    });
    return done;
  }

  return {
    async queue(input) {
      const now = Date.now();
      const row: JobTable = {
        id: ulid(now),
        kind: input.kind,
        state: "queued",
        project: input.project,
        app: input.app,
        ...gitColumnsFrom(input.git),
        target_runner_id: input.targetRunnerId ?? "",
        runner_id: null,
        params_json: paramsToJson(input.params),
        result_json: "{}",
        error: "",
        actor_token_id: input.actor?.tokenId ?? "",
        actor_name: input.actor?.name ?? "",
        queued_at: now,
        started_at: null,
        finished_at: null,
        heartbeat_at: null,
        trigger: input.trigger ?? "",
      };
      await db.insertInto("jobs").values(row).execute();
      await emit(row.id, stateChanged(JobState.QUEUED));
      publish(row);
      for (const l of queuedListeners) l();
      return row;
    },
    get,
    claim(runner) {
      return stmts.claim(runner, Date.now());
    },
    async started(job) {
      const extra = await hooks.get(job.kind)?.started?.(job);
      if (extra) {
        const result = mergeResults(resultFromJson(job.result_json), extra);
        await db
          .updateTable("jobs")
          .set({ result_json: resultToJson(result) })
          .where("id", "=", job.id)
          .execute();
      }
      await emit(job.id, stateChanged(JobState.RUNNING));
      const row = await get(job.id);
      publish(row);
      return row;
    },
    emit,
    emitEvent(jobId, event) {
      if (event.event.case === "state") return Promise.resolve(); // the queue alone decides states
      return emit(jobId, event.event);
    },
    heartbeat(jobId) {
      return stmts.beat(jobId, Date.now());
    },
    async requeue(runnerId, reason) {
      const rows = await db
        .updateTable("jobs")
        .set({ state: "queued", runner_id: null, started_at: null, heartbeat_at: null })
        .where("state", "=", "running")
        .where("runner_id", "=", runnerId)
        .returningAll()
        .execute();
      for (const row of rows) {
        await emit(row.id, {
          case: "line",
          value: { $typeName: "berth.v1.JobEvent.Line", step: "", stream: OutputStream.STDERR, text: reason },
        });
        await emit(row.id, stateChanged(JobState.QUEUED));
        publish(row);
      }
      if (rows.length > 0) for (const l of queuedListeners) l();
      return rows;
    },
    async finish(jobId, outcome) {
      const job = await get(jobId);
      if (isTerminal(job.state)) return job;
      const state = outcome.state ?? (outcome.error ? "error" : "success");
      let merged = mergeResults(resultFromJson(job.result_json), outcome.result);
      try {
        const extra = await hooks.get(job.kind)?.finished?.(job, { ...outcome, result: merged, state });
        merged = mergeResults(merged, extra);
      } catch (err) {
        outcome = {
          ...outcome,
          error: outcome.error || `recording the result failed: ${(err as Error).message}`,
        };
      }
      const error = outcome.error ?? "";
      const finalState = error && state === "success" ? "error" : state;
      await db
        .updateTable("jobs")
        .set({ state: finalState, error, result_json: resultToJson(merged), finished_at: Date.now() })
        .where("id", "=", jobId)
        .where("state", "in", ["queued", "running"])
        .execute();
      await emit(jobId, stateChanged(jobStateNames[finalState] ?? JobState.ERROR, error, merged));
      const row = await get(jobId);
      publish(row);
      return row;
    },
    async *follow(id, afterSeq, signal) {
      let after = Number(afterSeq);
      await get(id);
      while (!signal.aborted) {
        let wakeUp: () => void = () => {};
        const woken = new Promise<void>((r) => {
          wakeUp = r;
        });
        const set = wakers.get(id) ?? new Set();
        set.add(wakeUp);
        wakers.set(id, set);
        try {
          const job = await get(id);
          const rows = await stmts.eventsAfter(id, after);
          if (rows.length > 0) {
            after = rows[rows.length - 1]!.seq;
            const evs = rows.map((r) => {
              const ev = fromBinary(JobEventSchema, r.event);
              ev.seq = BigInt(r.seq);
              return ev;
            });
            yield { job, events: evs };
            continue;
          }
          if (isTerminal(job.state)) return;
          const onAbort = () => wakeUp();
          signal.addEventListener("abort", onAbort, { once: true });
          // A periodic re-check covers events written by another process (none today) and missed wakes.
          const timer = setTimeout(wakeUp, 2000);
          await woken;
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
        } finally {
          set.delete(wakeUp);
          if (set.size === 0) wakers.delete(id);
        }
      }
    },
    onQueued(listener) {
      queuedListeners.push(listener);
    },
    setHooks(kind, h) {
      hooks.set(kind, h);
    },
  };
}
