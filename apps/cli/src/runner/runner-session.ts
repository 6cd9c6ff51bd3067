import {
  type Job,
  JobEventSchema,
  type JobResult,
  JobResultSchema,
  type RunnerJobStreamRequest,
  RunnerJobStreamRequestSchema,
  RunnerService,
} from "@berth/proto";
import { AsyncQueue, createJobReporter } from "@berth/server/runner-kit";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import type { ApiClient } from "../client/create-api-client.js";
import { runBuildJob } from "./run-build-job.js";

export interface RunnerSessionOptions {
  api: ApiClient;
  name: string;
  kind: "agent" | "cli";
  /** The working tree builds run from. */
  rootDir: string;
  signal: AbortSignal;
  onJob?: (job: Job) => void;
  onJobDone?: (job: Job, error: string) => void;
}

export interface RunnerSession {
  /** Resolves with the runner id once the server registered it. */
  registered: Promise<string>;
  /** Resolves when the stream ends (the signal aborted or the server went away). */
  done: Promise<void>;
}

/**
 * Connects this process as a runner (RunnerJobStream): takes build jobs, streams their output and
 * results, and heartbeats so the server knows it is alive.
 */
export function startRunnerSession(options: RunnerSessionOptions): RunnerSession {
  const { api, signal } = options;
  const outbox = new AsyncQueue<RunnerJobStreamRequest>();
  const send = (msg: MessageInitShape<typeof RunnerJobStreamRequestSchema>["msg"]) =>
    outbox.push(create(RunnerJobStreamRequestSchema, { msg }));
  const running = new Map<string, AbortController>();
  let onRegistered: (id: string) => void = () => {};
  let onFailed: (err: unknown) => void = () => {};
  const registered = new Promise<string>((ok, fail) => {
    onRegistered = ok;
    onFailed = fail;
  });
  registered.catch(() => {});
  send({
    case: "hello",
    value: { name: options.name, kind: options.kind },
  });

  async function run(job: Job): Promise<void> {
    const abort = new AbortController();
    running.set(job.id, abort);
    options.onJob?.(job);
    const reporter = createJobReporter((event) =>
      send({
        case: "event",
        value: {
          jobId: job.id,
          event: create(JobEventSchema, { event }),
        },
      }),
    );
    let result: Partial<JobResult> = {};
    let error = "";
    try {
      if (job.params.case !== "build")
        throw new Error(`this runner only runs build jobs, not ${job.params.case}`);
      result = await runBuildJob(
        api,
        job,
        options.rootDir,
        reporter,
        AbortSignal.any([abort.signal, signal]),
      );
    } catch (err) {
      error = (err as Error).message;
    } finally {
      running.delete(job.id);
    }
    send({
      case: "complete",
      // A plain init object: create() turns the partial result into a real JobResult message.
      value: {
        jobId: job.id,
        result: create(JobResultSchema, result as MessageInitShape<typeof JobResultSchema>),
        error,
      },
    });
    options.onJobDone?.(job, error);
  }

  let beat: NodeJS.Timeout | undefined;
  const done = (async () => {
    try {
      const stream = api.client(RunnerService).runnerJobStream(outbox, { signal });
      for await (const res of stream) {
        const m = res.msg;
        if (m.case === "registered") {
          onRegistered(m.value.runnerId);
          beat = setInterval(
            () => send({ case: "heartbeat", value: timestampNow() }),
            m.value.heartbeatIntervalMs || 5000,
          );
        } else if (m.case === "assignment") void run(m.value);
        else if (m.case === "cancelJobId") running.get(m.value)?.abort();
      }
    } catch (err) {
      onFailed(err);
      if (!signal.aborted) throw err;
    } finally {
      clearInterval(beat);
      outbox.close();
      onFailed(new Error("the runner stream ended before the server registered this runner"));
    }
  })();
  return { registered, done };
}
