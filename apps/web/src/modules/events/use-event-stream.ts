import { EventService } from "@berth/proto";
import { createClient } from "@connectrpc/connect";
import { useTransport } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { applyEventToCache } from "./apply-event-to-cache.js";
import { isPermanentError } from "./is-permanent-error.js";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "offline";

/** Backoff with full jitter, capped at 15 s: 0.5 s, 1 s, 2 s, … */
export function backoffMs(attempt: number, random = Math.random): number {
  return Math.round(random() * Math.min(15_000, 500 * 2 ** attempt));
}

/**
 * Follows EventService.WatchEvents for a project/app (or everything) and applies each event to the query cache.
 * After every (re)connect it invalidates active queries, so nothing missed while disconnected stays stale.
 */
export function useEventStream(scope: {
  project?: string | undefined;
  app?: string | undefined;
}): StreamStatus {
  const transport = useTransport();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const { project = "", app = "" } = scope;
  useEffect(() => {
    const abort = new AbortController();
    const client = createClient(EventService, transport);
    let attempt = 0;
    let connectedBefore = false;
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          let first = true;
          for await (const event of client.watchEvents({ project, app }, { signal: abort.signal })) {
            if (first) {
              first = false;
              attempt = 0;
              setStatus("live");
              if (connectedBefore)
                void queryClient.invalidateQueries({ type: "active", refetchType: "active" });
              connectedBefore = true;
            }
            if (event.event.case && event.event.case !== "heartbeat") applyEventToCache(queryClient, event);
          }
        } catch (err) {
          // Aborted, or the stream broke: retry below unless we were asked to stop or retrying is pointless.
          if (!abort.signal.aborted && isPermanentError(err)) {
            setStatus("offline");
            return;
          }
        }
        if (abort.signal.aborted) return;
        setStatus("reconnecting");
        await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt++)));
      }
    };
    void run();
    return () => abort.abort();
  }, [transport, queryClient, project, app]);
  return status;
}
