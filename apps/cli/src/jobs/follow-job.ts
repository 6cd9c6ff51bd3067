import { type Job, JobService, JobState } from "@berth/proto";
import type { ApiClient } from "../client/create-api-client.js";
import { enumName } from "../output/enum-name.js";
import type { JobEventRenderer } from "./render-job-events.js";

/** Streams a job's output (replay, then live) into the renderer; resolves with the finished job. */
export async function followJob(
  api: ApiClient,
  jobId: string,
  renderer: JobEventRenderer | undefined,
  signal?: AbortSignal,
): Promise<Job> {
  let last: Job | undefined;
  try {
    for await (const res of api.client(JobService).getJobStream({ id: jobId }, { signal })) {
      last = res.job;
      for (const ev of res.events) renderer?.render(ev);
    }
  } finally {
    renderer?.stop();
  }
  const { job } = await api.client(JobService).getJob({ id: jobId });
  return job ?? last!;
}

/** Throws the job's error as a one-line message when it did not succeed. */
export function assertJobSucceeded(job: Job, what: string): void {
  if (job.state === JobState.SUCCESS) return;
  const state = enumName(JobState, job.state);
  throw new Error(
    `${what} ${state}: ${job.error || "no reason given"} (job ${job.id}; see berth job show ${job.id})`,
  );
}
