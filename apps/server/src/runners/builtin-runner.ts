import type { JobResult } from "@berth/proto";
import { createJobReporter, type JobReporter } from "../jobs/job-events.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { JobTable } from "../store/schema.js";
import type { RunnerHub } from "./runner-hub.js";

/** Runs one kind of job inside the server. */
export type JobExecutor = (
  job: JobTable,
  reporter: JobReporter,
  signal: AbortSignal,
) => Promise<Partial<JobResult>>;

export interface BuiltinRunnerOptions {
  /** Its runner id: see {@link builtinRunnerId}. */
  id: string;
  hub: RunnerHub;
  queue: JobQueue;
  executors: Partial<Record<string, JobExecutor>>;
  /** Jobs run at once. */
  slots?: number;
  onError?: (err: unknown) => void;
}

/**
 * The built-in runner's id: stable across restarts (a server has one built-in runner, not a new one per start),
 * and one per replica when several share a PostgreSQL store, so a dead replica's jobs can be told apart.
 */
export function builtinRunnerId(replicaId: string | undefined): string {
  return replicaId ? `builtin-${replicaId}` : "builtin";
}

/** The server's own runner: executes deploy, release and destroy jobs with the lifecycle functions. */
export async function startBuiltinRunner(options: BuiltinRunnerOptions): Promise<{ stop(): void }> {
  const { hub, queue, id } = options;
  const running = new Map<string, AbortController>();
  const disconnect = await hub.connect({
    id,
    name: "builtin",
    kind: "builtin",
    slots: options.slots ?? 4,
    deliver(job) {
      const abort = new AbortController();
      running.set(job.id, abort);
      const reporter = createJobReporter((e) => void queue.emit(job.id, e).catch(options.onError));
      const executor = options.executors[job.kind];
      const work = executor
        ? executor(job, reporter, abort.signal)
        : Promise.reject(new Error(`the built-in runner cannot run "${job.kind}" jobs`));
      work
        .then(
          (result) => queue.finish(job.id, { result: result as JobResult }),
          (err: unknown) =>
            queue.finish(
              job.id,
              abort.signal.aborted
                ? { state: "cancelled", error: "cancelled" }
                : { error: (err as Error).message, result: (err as { result?: JobResult }).result },
            ),
        )
        .catch(options.onError)
        .finally(() => {
          running.delete(job.id);
          hub.released(id, job.id);
        });
    },
    cancel(jobId) {
      running.get(jobId)?.abort();
    },
  });
  const beat = setInterval(() => hub.seen(id), 1000);
  beat.unref();
  return {
    stop() {
      clearInterval(beat);
      for (const a of running.values()) a.abort();
      disconnect();
    },
  };
}
