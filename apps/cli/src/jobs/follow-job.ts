import { isConnectionLost } from "@berth/failover";
import { type Job, JobKind, JobService, JobState } from "@berth/proto";
import { ConnectError } from "@connectrpc/connect";
import type { ApiClient } from "../client/create-api-client.js";
import { describeAfterReconnect } from "../client/report-outcome.js";
import { enumName } from "../output/enum-name.js";
import type { JobEventRenderer } from "./render-job-events.js";

/** "job 01J… is failed: interrupted by a server restart". */
async function jobNow(api: ApiClient, jobId: string): Promise<string> {
  const { job } = await api.client(JobService).getJob({ id: jobId });
  if (!job) return `job ${jobId} is gone`;
  return `job ${jobId} is ${enumName(JobState, job.state)}${job.error ? `: ${job.error}` : ""}`;
}

/** Streams a job's output (replay, then live) into the renderer; resolves with the finished job. */
export async function followJob(
  api: ApiClient,
  jobId: string,
  renderer: JobEventRenderer | undefined,
  signal?: AbortSignal,
): Promise<Job> {
  let last: Job | undefined;
  let afterSeq = 0n;
  // With several server addresses the stream resumes on the next one after its last event, a few times over.
  let resumes = api.context.server.includes(",") ? 5 : 0;
  try {
    for (;;) {
      try {
        for await (const res of api.client(JobService).getJobStream({ id: jobId, afterSeq }, { signal })) {
          last = res.job;
          for (const ev of res.events) {
            renderer?.render(ev);
            if (ev.seq > afterSeq) afterSeq = ev.seq;
          }
        }
        break;
      } catch (e) {
        if (signal?.aborted || !isConnectionLost(e) || resumes-- <= 0) throw e;
      }
    }
  } catch (e) {
    const err = ConnectError.from(e);
    if (signal?.aborted || !isConnectionLost(err)) throw e;
    // The server (or the network) went away mid-job: say so, and what became of the job, not a stream code.
    const kind = last ? `${enumName(JobKind, last.kind)} job` : "job";
    const sentence =
      `the connection to the server at ${api.context.server} was lost while ${kind} ${jobId} was running ` +
      `(the server stopped, or the network failed: ${err.rawMessage}), so its outcome is unknown`;
    const now = await describeAfterReconnect(() => jobNow(api, jobId), `see berth job show ${jobId}`);
    throw new Error(`${sentence}. ${now}`, { cause: err });
  } finally {
    renderer?.stop();
  }
  const { job } = await api.client(JobService).getJob({ id: jobId });
  return job ?? last!;
}

/**
 * Throws the job's error when it did not succeed: its first line with the job to look at, then any further
 * lines (a crashed instance's last log lines) as they are.
 */
export function assertJobSucceeded(job: Job, what: string): void {
  if (job.state === JobState.SUCCESS) return;
  const state = enumName(JobState, job.state);
  const [first, ...rest] = (job.error || "no reason given").split("\n");
  throw new Error(
    [`${what} ${state}: ${first} (job ${job.id}; see berth job show ${job.id})`, ...rest].join("\n"),
  );
}
