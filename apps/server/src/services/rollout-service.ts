import type { RolloutService } from "@berth/proto";
import type { ServiceImpl } from "@connectrpc/connect";
import { getCaller } from "../auth/caller.js";
import { resolveAppRef } from "../catalog/app-ref.js";
import { engineOf } from "../lifecycle/engine.js";
import {
  abortRollout,
  advanceRollout,
  completeRollout,
  requireRunning,
  startRollout,
} from "../rollouts/rollout-actions.js";
import { rolloutProto } from "../rollouts/rollout-protos.js";
import { latestRollout } from "../rollouts/rollout-rows.js";
import type { ServerContext } from "../server-context.js";
import type { ApplicationTable, RolloutTable } from "../store/schema.js";

/** berth.v1.RolloutService: progressive releases, stepped by people, timers or the canary's own numbers. */
export function createRolloutService(ctx: ServerContext): ServiceImpl<typeof RolloutService> {
  const db = ctx.store.db;
  const runner = () => engineOf(ctx).rollouts;
  const proto = async (app: ApplicationTable, row: RolloutTable) =>
    rolloutProto(db, app, row, row.state === "running" ? runner().traffic(row) : undefined);

  return {
    async startRollout(req, hctx) {
      const app = await resolveAppRef(db, req.app);
      const row = await runner().exclusive(app.id, () =>
        startRollout(ctx, {
          app,
          seq: req.seq || undefined,
          deploymentId: req.deploymentId || undefined,
          steps: req.steps,
          intervalMs: req.intervalSeconds * 1000,
          autoAbort: {
            maxErrorRateMarginPercent: req.autoAbort?.maxErrorRateMarginPercent ?? 0,
            minRequests: req.autoAbort?.minRequests ?? 0,
            unhealthyAfterSeconds: req.autoAbort?.unhealthyAfterSeconds ?? 0,
          },
          reason: req.reason,
          actor: getCaller(hctx),
        }),
      );
      return { rollout: await proto(await resolveAppRef(db, req.app), row) };
    },

    async advanceRollout(req, hctx) {
      const app = await resolveAppRef(db, req.app);
      const row = await runner().exclusive(app.id, async () =>
        advanceRollout(ctx, app, await requireRunning(ctx, app), req.reason, getCaller(hctx)),
      );
      return { rollout: await proto(app, row) };
    },

    async abortRollout(req, hctx) {
      const app = await resolveAppRef(db, req.app);
      const row = await runner().exclusive(app.id, async () =>
        abortRollout(ctx, app, await requireRunning(ctx, app), req.reason, getCaller(hctx)),
      );
      return { rollout: await proto(app, row) };
    },

    async completeRollout(req, hctx) {
      const app = await resolveAppRef(db, req.app);
      const row = await runner().exclusive(app.id, async () =>
        completeRollout(ctx, app, await requireRunning(ctx, app), req.reason, getCaller(hctx)),
      );
      return { rollout: await proto(app, row) };
    },

    async getRollout(req) {
      const app = await resolveAppRef(db, req.app);
      const row = await latestRollout(db, app.id);
      return { rollout: row ? await proto(app, row) : undefined };
    },

    async *watchRollout(req, hctx) {
      const app = await resolveAppRef(db, req.app);
      const signal = AbortSignal.any([hctx.signal, ctx.shutdownSignal]);
      for await (const _ of runner().watch(app.id, signal)) {
        const fresh = await resolveAppRef(db, req.app);
        const row = await latestRollout(db, app.id);
        yield { rollout: row ? await proto(fresh, row) : undefined };
      }
    },
  };
}
