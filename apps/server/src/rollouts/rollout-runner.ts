import { setTimeout as sleep } from "node:timers/promises";
import { getApplicationById } from "../catalog/projects.js";
import type { InstanceView } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";
import type { ApplicationTable, RolloutTable } from "../store/schema.js";
import { type TrafficStats, type TrafficTotals, trafficSince } from "../traffic/traffic-stats.js";
import { autoAbortVerdict } from "./auto-abort-verdict.js";
import { recordAutoAbort } from "./record-auto-abort.js";
import { abortRollout, advanceRollout } from "./rollout-actions.js";
import { rolloutAutoAbort, runningRollouts, updateRollout } from "./rollout-rows.js";

/** The traffic of a rollout's two sides since its current step began. */
export interface RolloutTraffic {
  baseline: TrafficTotals;
  canary: TrafficTotals;
}

export interface RolloutRunner {
  /**
   * Runs `work` for an app with no other rollout work of that app in between (requests, timers and auto-abort all
   * go through here), then wakes the app's watchers.
   */
  exclusive<T>(appId: string, work: () => Promise<T>): Promise<T>;
  /** The traffic of both sides since the rollout's current step began. */
  traffic(row: RolloutTable): RolloutTraffic;
  /** Yields at once, then on every change of the app's rollout and every second (for live metrics). */
  watch(appId: string, signal: AbortSignal): AsyncIterable<void>;
  close(): void;
}

export interface RolloutRunnerDeps {
  stats: TrafficStats;
  instances(deploymentId: string): InstanceView[];
  /** How often running rollouts are checked (timed steps, auto-abort, superseded); default 500 ms. */
  tickMs?: number;
}

interface Mark {
  step: number;
  baseline: TrafficTotals;
  canary: TrafficTotals;
}

/**
 * Moves running rollouts along: a timed step when it is due, an auto-abort when the canary's errors or health say
 * so, and "superseded" when someone released the app by other means. Metrics are per step: a mark is taken from
 * the routers' totals when a step begins (a restarted server starts its marks afresh).
 */
export function startRolloutRunner(ctx: ServerContext, deps: RolloutRunnerDeps): RolloutRunner {
  const stop = new AbortController();
  ctx.shutdownSignal.addEventListener("abort", () => stop.abort(), { once: true });
  const locks = new Map<string, Promise<void>>();
  const watchers = new Map<string, Set<() => void>>();
  const marks = new Map<string, Mark>();
  const unhealthySince = new Map<string, number>();
  const log = ctx.logger.child({ subsystem: "rollouts" });

  const wake = (appId: string) => {
    for (const w of watchers.get(appId) ?? []) w();
  };

  function exclusive<T>(appId: string, work: () => Promise<T>): Promise<T> {
    // The chain never rejects (each link swallows its work's error): the caller gets the error from `run`.
    const before = locks.get(appId) ?? Promise.resolve();
    const run = before.then(work);
    const settled: Promise<void> = run
      .then(
        () => {},
        () => {},
      )
      .then(() => {
        if (locks.get(appId) === settled) locks.delete(appId);
        wake(appId);
      });
    locks.set(appId, settled);
    return run;
  }

  function markOf(row: RolloutTable): Mark {
    let mark = marks.get(row.id);
    if (!mark || mark.step !== row.step) {
      mark = {
        step: row.step,
        baseline: deps.stats.totals(row.baseline_deployment_id),
        canary: deps.stats.totals(row.canary_deployment_id),
      };
      marks.set(row.id, mark);
    }
    return mark;
  }

  function traffic(row: RolloutTable): RolloutTraffic {
    const mark = markOf(row);
    return {
      baseline: trafficSince(deps.stats.totals(row.baseline_deployment_id), mark.baseline),
      canary: trafficSince(deps.stats.totals(row.canary_deployment_id), mark.canary),
    };
  }

  /** One look at a running rollout; the row is re-read under the app's lock. */
  async function check(rowId: string, appId: string): Promise<void> {
    await exclusive(appId, async () => {
      const row = await ctx.store.db
        .selectFrom("rollouts")
        .selectAll()
        .where("id", "=", rowId)
        .executeTakeFirst();
      if (row?.state !== "running" || row.release_id === "") return;
      const app: ApplicationTable = await getApplicationById(ctx.store.db, appId);
      if (app.current_release_id !== row.release_id) {
        await updateRollout(ctx.store.db, row, {
          state: "superseded",
          next_step_at: null,
          end_reason: "another release of the app replaced the rollout's traffic split",
        });
        return;
      }
      const now = Date.now();
      const healthy = deps.instances(row.canary_deployment_id).some((i) => i.health === "healthy");
      if (healthy) unhealthySince.delete(row.id);
      else if (!unhealthySince.has(row.id)) unhealthySince.set(row.id, now);
      const t = traffic(row);
      const verdict = autoAbortVerdict(
        rolloutAutoAbort(row),
        t.canary,
        t.baseline,
        unhealthySince.get(row.id),
        now,
      );
      if (verdict) {
        log.warn({ rollout: row.id, app: app.name }, verdict);
        const ended = await abortRollout(ctx, app, row, verdict, undefined);
        await recordAutoAbort(ctx, app, ended, verdict);
        return;
      }
      if (row.next_step_at !== null && row.next_step_at <= now)
        await advanceRollout(ctx, app, row, "the step's interval passed", undefined);
    });
  }

  void (async () => {
    const tickMs = deps.tickMs ?? 500;
    while (!stop.signal.aborted) {
      try {
        await sleep(tickMs, undefined, { signal: stop.signal });
      } catch {
        return;
      }
      try {
        for (const row of await runningRollouts(ctx.store.db)) await check(row.id, row.app_id);
      } catch (err) {
        if (!stop.signal.aborted) log.error({ err }, "checking rollouts failed");
      }
    }
  })();

  return {
    exclusive,
    traffic,
    async *watch(appId, signal) {
      let changed = true;
      let nudge: () => void = () => {};
      const onChange = () => {
        changed = true;
        nudge();
      };
      const set = watchers.get(appId) ?? new Set();
      set.add(onChange);
      watchers.set(appId, set);
      try {
        while (!signal.aborted) {
          if (!changed) {
            const both = AbortSignal.any([signal, stop.signal]);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 1000);
              nudge = () => {
                clearTimeout(timer);
                resolve();
              };
              both.addEventListener("abort", nudge, { once: true });
            });
            if (both.aborted) return;
          }
          changed = false;
          yield;
        }
      } finally {
        set.delete(onChange);
        if (set.size === 0) watchers.delete(appId);
      }
    },
    close: () => stop.abort(),
  };
}
