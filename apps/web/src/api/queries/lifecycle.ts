import { LifecycleService } from "@berth/proto";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { useQuery } from "@connectrpc/connect-query";

/** A SHA prefix the server accepts: 4–40 lower-case hex characters. */
export const shaPrefixPattern = /^[0-9a-f]{4,40}$/;

/** Everything recorded about the commits matching `shaPrefix` in a project (or one app of it). */
export function useShaLifecycle(project: string, shaPrefix: string, app = "") {
  return useQuery(
    LifecycleService.method.getShaLifecycle,
    { project, app, shaPrefix },
    { enabled: shaPrefixPattern.test(shaPrefix) },
  );
}

/** What an app served at `atMs` (epoch ms; undefined: now), and the events just before. */
export function useLiveAt(project: string, app: string, atMs: number | undefined) {
  return useQuery(LifecycleService.method.getLiveAt, {
    project,
    app,
    at: atMs === undefined ? undefined : timestampFromMs(atMs),
  });
}

/** An app's live intervals (and rollbacks, failures, crashes, config changes) since `sinceMs`. */
export function useLiveIntervals(project: string, app: string, sinceMs: number) {
  return useQuery(LifecycleService.method.listLiveIntervals, {
    app: { project, app },
    since: timestampFromMs(sinceMs),
    limit: 500,
  });
}
