import type { Store } from "../store/open-store.js";
import type { JobQueue } from "./job-queue.js";

export interface JobWatchdogOptions {
  store: Store;
  queue: JobQueue;
  /** Running jobs whose runner is alive, refreshed every tick. */
  liveJobs: () => string[];
  /** Runners of which ids are connected (for queued jobs targeted at one). */
  isConnected: (runnerId: string) => boolean;
  /**
   * Several replicas share the store (PostgreSQL): a runner may be connected to another one. Each tick then
   * stamps this replica's connected runners (`runners.last_seen_at`), and a runner stamped within the timeout
   * counts as connected. Unset: this server is the only one, as on SQLite.
   */
  connectedRunners?: () => string[];
  /** How long a running job may go without a heartbeat, and a targeted job may wait for its runner. */
  timeoutMs: number;
  onError?: (err: unknown) => void;
}

/**
 * Fails jobs nobody is working on: a running job whose runner stopped sending heartbeats, and a job
 * queued for a specific runner (a CLI) that is not connected. Nothing waits forever.
 */
export function startJobWatchdog(options: JobWatchdogOptions): { stop(): void; tick(): Promise<void> } {
  const { store, queue, timeoutMs } = options;
  const seconds = Math.round(timeoutMs / 1000);
  const tick = async () => {
    for (const id of options.liveJobs()) await queue.heartbeat(id);
    const now = Date.now();
    const seenElsewhere = options.connectedRunners ? await stampRunners(options, now) : new Set<string>();
    const stale = await store.db
      .selectFrom("jobs")
      .leftJoin("runners", "runners.id", "jobs.runner_id")
      .select(["jobs.id", "runners.name", "runners.kind"])
      .where("jobs.state", "=", "running")
      .where("jobs.heartbeat_at", "<", now - timeoutMs)
      .execute();
    for (const job of stale)
      await queue.finish(job.id, {
        error: `runner "${job.name ?? "unknown"}" (${job.kind ?? "?"}) stopped responding: no heartbeat for ${seconds}s`,
      });
    const orphans = await store.db
      .selectFrom("jobs")
      .select(["id", "target_runner_id"])
      .where("state", "=", "queued")
      .where("target_runner_id", "!=", "")
      .where("queued_at", "<", now - timeoutMs)
      .execute();
    for (const job of orphans)
      if (!options.isConnected(job.target_runner_id) && !seenElsewhere.has(job.target_runner_id))
        await queue.finish(job.id, {
          error: `the runner this job was queued for (${job.target_runner_id}) is not connected; it waited ${seconds}s`,
        });
  };
  let busy = false;
  const timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      tick()
        .catch(options.onError)
        .finally(() => {
          busy = false;
        });
    },
    Math.min(1000, Math.max(100, timeoutMs / 4)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}

/** Stamps this replica's connected runners; returns the runners any replica stamped within the timeout. */
async function stampRunners(options: JobWatchdogOptions, now: number): Promise<Set<string>> {
  const { db } = options.store;
  const mine = options.connectedRunners?.() ?? [];
  if (mine.length > 0)
    await db.updateTable("runners").set({ last_seen_at: now }).where("id", "in", mine).execute();
  const rows = await db
    .selectFrom("runners")
    .select("id")
    .where("last_seen_at", ">=", now - options.timeoutMs)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** After a server start: jobs left running by the previous process can never finish; fail them with the reason. */
export async function failInterruptedJobs(store: Store, queue: JobQueue): Promise<number> {
  const rows = await store.db.selectFrom("jobs").select("id").where("state", "=", "running").execute();
  for (const r of rows)
    await queue.finish(r.id, { error: "interrupted: the server stopped while this job was running" });
  return rows.length;
}
