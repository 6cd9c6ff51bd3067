import { JobService, JobState } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { useEffect, useState } from "react";
import { applyJobEvents, type JobOutputModel } from "./job-output-model.js";

const done = new Set([JobState.SUCCESS, JobState.ERROR, JobState.CANCELLED]);

/** Replays a job's output from the start and follows it until the job ends; resumes after drops. */
export function useJobStream(jobId: string | undefined) {
  const transport = useTransport();
  const [model, setModel] = useState<JobOutputModel>({ steps: [], lastSeq: 0n });
  const [error, setError] = useState<unknown>();
  const [finished, setFinished] = useState(false);
  useEffect(() => {
    if (!jobId) return;
    setModel({ steps: [], lastSeq: 0n });
    setFinished(false);
    setError(undefined);
    const abort = new AbortController();
    const client = createClient(JobService, transport);
    let afterSeq = 0n;
    const run = async () => {
      for (let attempt = 0; !abort.signal.aborted; attempt++) {
        try {
          for await (const res of client.getJobStream({ id: jobId, afterSeq }, { signal: abort.signal })) {
            setError(undefined);
            attempt = 0;
            setModel((m) => {
              const next = applyJobEvents(m, res.events, res.job);
              afterSeq = next.lastSeq;
              return next;
            });
          }
          setFinished(true);
          return;
        } catch (err) {
          if (abort.signal.aborted) return;
          setError(err);
          if (attempt >= 5) return;
          await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
        }
      }
    };
    void run();
    return () => abort.abort();
  }, [jobId, transport]);
  const state = model.job?.state;
  return { model, error, finished: finished || (state !== undefined && done.has(state)) };
}
