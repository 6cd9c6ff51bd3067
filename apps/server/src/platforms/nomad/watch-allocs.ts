import { setTimeout as sleep } from "node:timers/promises";
import type { AllocStub } from "./alloc-view.js";
import type { NomadClient } from "./nomad-client.js";

/** How long one blocking query may wait for a change (Nomad adds up to 1/16 of jitter). */
const waitSeconds = 60;

/**
 * Follows a job's allocations with blocking queries (GET /v1/job/:id/allocations?index=N): `onAllocs` gets the
 * list at once and again after every change, until `signal` aborts. An agent that stops answering is retried
 * every second; only the first failure of a run is reported.
 */
export async function watchAllocs(
  client: NomadClient,
  jobId: string,
  onAllocs: (allocs: AllocStub[]) => Promise<void>,
  onError: (err: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  let index = 0;
  let failing = false;
  while (!signal.aborted) {
    try {
      const { body, index: next } = await client.call<AllocStub[]>(
        "GET",
        `/v1/job/${encodeURIComponent(jobId)}/allocations`,
        { query: { index, wait: `${waitSeconds}s` }, signal },
      );
      failing = false;
      // An index that went backwards (a restored agent) restarts the watch from scratch, as Nomad's docs ask.
      const changed = next !== index;
      index = next < index ? 0 : next;
      if (changed) await onAllocs(body);
    } catch (err) {
      if (signal.aborted) return;
      if (!failing) onError(err);
      failing = true;
      await sleep(1000, undefined, { signal }).catch(() => undefined);
    }
  }
}
