// Sends queued notifications in the background: polls the outbox for due deliveries, sends a few at a time,
// records every attempt. Nothing here can reach a deployment: failures end as attempt rows.
import { setTimeout as sleep } from "node:timers/promises";
import { urlOptionsOf } from "../catalog/urls.js";
import type { ServerContext } from "../server-context.js";
import { type ClaimedDelivery, claimDueDeliveries, recordAttempt, releaseClaim } from "./delivery-outbox.js";
import type { NotificationPayload } from "./notification-payload.js";
import { defaultDeliveryRetentionMs, pruneDeliveries } from "./prune-deliveries.js";
import { type NotificationFormat, renderBody, withUrls } from "./render-notification.js";
import { defaultRetryOptions, type RetryOptions } from "./retry-schedule.js";
import { sendNotification } from "./send-notification.js";

export interface NotificationDispatchOptions extends RetryOptions {
  /** How often the outbox is checked for due deliveries. Default 1 s. */
  pollMs: number;
  /** How long one attempt may take before it counts as failed. Default 10 s. */
  attemptTimeoutMs: number;
  /** Attempts in flight at once. Default 8. */
  concurrency: number;
  /** How long delivered and failed deliveries stay in the log. Default 30 days. */
  retentionMs: number;
}

const defaultDispatchOptions: NotificationDispatchOptions = {
  ...defaultRetryOptions,
  pollMs: 1_000,
  attemptTimeoutMs: 10_000,
  concurrency: 8,
  retentionMs: defaultDeliveryRetentionMs,
};

// Published changes that come with the lifecycle events notifications report (instances change far more often).
const wakingCases = new Set(["build", "deployment", "release", "job"]);

// The log is pruned at most this often.
const pruneEveryMs = 3_600_000;

/** The running dispatcher: `wake()` checks the outbox now (after a redelivery); `stop()` ends it. */
export interface NotificationDispatcher {
  wake(): void;
  stop(): Promise<void>;
}

/** Starts sending the outbox's deliveries until stopped or the server shuts down. */
export function startNotificationDispatcher(
  ctx: ServerContext,
  overrides: Partial<NotificationDispatchOptions> = {},
): NotificationDispatcher {
  const options = { ...defaultDispatchOptions, ...overrides };
  const db = ctx.store.db;
  const stopping = new AbortController();
  const signal = AbortSignal.any([stopping.signal, ctx.shutdownSignal]);
  // Past the attempt's own time limit, so a claim never ends while its attempt may still be sending.
  const leaseMs = options.attemptTimeoutMs + 5_000;
  const inFlight = new Set<Promise<void>>();
  // A wake-up that comes while the loop is busy (not sleeping on `nudge`) is remembered in `woken`.
  let nudge = new AbortController();
  let woken = false;
  const wake = () => {
    woken = true;
    nudge.abort();
  };
  signal.addEventListener("abort", wake, { once: true });

  async function attempt(claim: ClaimedDelivery): Promise<void> {
    const sub = await db
      .selectFrom("notification_subscriptions")
      .selectAll()
      .where("id", "=", claim.row.subscription_id)
      .executeTakeFirst();
    // Deleted meanwhile: its deliveries went with it.
    if (!sub) return;
    const payload = withUrls(JSON.parse(claim.row.payload_json) as NotificationPayload, urlOptionsOf(ctx));
    const format = sub.format as NotificationFormat;
    const time = Date.now();
    const result = await sendNotification({
      url: sub.url,
      format,
      id: claim.row.id,
      body: renderBody(format, payload),
      secret: sub.secret,
      timeoutMs: options.attemptTimeoutMs,
      signal,
    });
    if (signal.aborted && !result.ok) return releaseClaim(db, claim);
    await recordAttempt(db, claim, time, result, options);
  }

  function start(claim: ClaimedDelivery): void {
    const p = attempt(claim)
      .catch((err) =>
        ctx.logger.warn({ err, delivery: claim.row.id }, "recording a notification attempt failed"),
      )
      .finally(() => {
        inFlight.delete(p);
        wake();
      });
    inFlight.add(p);
  }

  // Catalog changes are published after they commit, and most come with a lifecycle event: look at the
  // outbox at once instead of at the next poll. (Other replicas' changes wait for the poll.)
  const watch = (async () => {
    while (!signal.aborted) {
      try {
        for await (const e of ctx.events.subscribe({}, signal))
          if (wakingCases.has(e.event.case ?? "")) wake();
      } catch {
        // Fell behind (EventsMissedError): nothing was lost here but wake-ups; subscribe again.
      }
    }
  })();

  let prunedAt = 0;
  const loop = (async () => {
    while (!signal.aborted) {
      woken = false;
      try {
        if (Date.now() - prunedAt >= pruneEveryMs) {
          prunedAt = Date.now();
          await pruneDeliveries(db, prunedAt - options.retentionMs);
        }
        const free = options.concurrency - inFlight.size;
        if (free > 0)
          for (const claim of await claimDueDeliveries(db, Date.now(), free, leaseMs)) start(claim);
      } catch (err) {
        if (!signal.aborted) ctx.logger.warn({ err }, "reading the notification outbox failed");
      }
      if (signal.aborted) break;
      if (woken) continue;
      nudge = new AbortController();
      await sleep(options.pollMs, undefined, { signal: nudge.signal }).catch(() => {});
    }
  })();

  return {
    wake,
    async stop() {
      stopping.abort();
      await Promise.all([loop, watch]);
      await Promise.allSettled([...inFlight]);
    },
  };
}
