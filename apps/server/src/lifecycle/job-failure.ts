import type { JobResult } from "@berth/proto";

/** A job that failed but still has a result worth keeping (e.g. the unhealthy deployment it created). */
export class JobFailure extends Error {
  override name = "JobFailure";
  constructor(
    message: string,
    readonly result: Partial<JobResult>,
  ) {
    super(message);
  }
}
