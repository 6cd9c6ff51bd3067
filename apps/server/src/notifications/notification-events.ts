// The events a notification subscription can name. Where the lifecycle log has a kind for it, the event is
// that kind, under the same name; the rest are derived from the log (a crash loop) or are the kinds the
// features that cause them append (a progressive release's auto-abort, a preview becoming ready).
import { Code, ConnectError } from "@connectrpc/connect";

/** How many crashes of one deployment's instances, within how long, make a crash loop. */
export const crashLoop = { crashes: 3, withinMs: 10 * 60_000 } as const;

/** Every event name, with what it means (shown by `berth notifications add --help` and docs/git.md). */
export const notificationEvents = {
  "build.failed": "a build failed",
  "deployment.failed": "a deployment failed to start, or its deploy gave up waiting for it to become healthy",
  release: "a deployment was released (including a canary step)",
  rollback: "a release was rolled back",
  "release.auto_aborted": "a progressive release was aborted automatically",
  "preview.ready": "a preview deployment is ready",
  "instance.crash_loop": `instances of one deployment crashed ${crashLoop.crashes} times within ${crashLoop.withinMs / 60_000} minutes`,
} as const;

export type NotificationEventName = keyof typeof notificationEvents;

const names = Object.keys(notificationEvents) as NotificationEventName[];

/** Whether a string names an event. */
function isNotificationEvent(name: string): name is NotificationEventName {
  return Object.hasOwn(notificationEvents, name);
}

/**
 * The events a lifecycle event is reported as, directly. A deploy job that gives up on a deployment whose
 * health check never passed records it as "deployment.unhealthy" (its instances keep running for a look),
 * but for whoever deployed it the deployment failed. ("instance.crashed" becomes a crash loop only when
 * enough of them come close together: see enqueue-notifications.ts.)
 */
export function eventsOf(event: { kind: string; job_id: string | null }): NotificationEventName[] {
  if (event.kind === "deployment.unhealthy" && event.job_id) return ["deployment.failed"];
  return event.kind !== "instance.crash_loop" && isNotificationEvent(event.kind) ? [event.kind] : [];
}

/**
 * The request's event names, checked and without duplicates; InvalidArgument names the first unknown one
 * and lists the known ones.
 */
export function checkEventNames(requested: readonly string[]): NotificationEventName[] {
  const unknown = requested.find((n) => !isNotificationEvent(n));
  if (unknown !== undefined) {
    throw new ConnectError(
      `events: unknown event "${unknown.slice(0, 64)}"; known: ${names.join(", ")}`,
      Code.InvalidArgument,
    );
  }
  return [...new Set(requested as NotificationEventName[])];
}
