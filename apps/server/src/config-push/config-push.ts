import { effectiveConfig } from "../config/effective-config.js";
import type { EntrypointSession, SessionRegistry } from "../entrypoint/session-registry.js";
import { followBus } from "../events/follow-bus.js";
import { parseStoredSpec } from "../lifecycle/deployment-spec.js";
import type { ServerContext } from "../server-context.js";
import { rolloutWaves } from "./rollout-waves.js";

export interface ConfigPushOptions {
  /** How long one instance gets to report it runs the new revision before the rollout moves on. */
  instanceTimeoutMs?: number;
}

/**
 * Pushes each new config revision to the connected entrypoints of the apps it concerns. Each entrypoint replaces
 * its app surge-first (the new process ready on a new port before the old one drains and stops); deployments with
 * several instances go `max_parallel` instances at a time (default 1), each wave waiting for its instances to
 * report running on the new revision. A newer revision cancels a rollout still in progress.
 */
export function startConfigPush(
  ctx: ServerContext,
  sessions: SessionRegistry,
  options: ConfigPushOptions = {},
): void {
  const rollouts = new Map<string, AbortController>();
  const push = (project: string, apps: string[]) => {
    for (const name of apps) {
      const key = `${project}/${name}`;
      rollouts.get(key)?.abort();
      const ac = new AbortController();
      rollouts.set(key, ac);
      const signal = AbortSignal.any([ac.signal, ctx.shutdownSignal]);
      rollOut(ctx, sessions, project, name, signal, options.instanceTimeoutMs ?? 60_000)
        .catch((err) => ctx.logger.error({ err, project, app: name }, "config rollout failed"))
        .finally(() => {
          if (rollouts.get(key) === ac) rollouts.delete(key);
        });
    }
  };
  const appsOf = (project: string) => [...new Set(sessions.list({ project }).map((s) => s.app))];
  const run = () =>
    followBus(ctx.events, {}, ctx.shutdownSignal, {
      event(e) {
        if (e.event.case !== "config") return;
        const { project, app } = e.event.value;
        push(project, app ? [app] : appsOf(project));
      },
      resync() {
        // A config event may be among those missed: check every connected app (up-to-date instances are skipped).
        ctx.logger.warn("config push fell behind the event bus; checking every connected app");
        const projects = new Set(sessions.list({}).map((s) => s.project));
        for (const project of projects) push(project, appsOf(project));
      },
    });
  run().catch((err) => ctx.logger.error({ err }, "config push stopped"));
}

async function rollOut(
  ctx: ServerContext,
  sessions: SessionRegistry,
  project: string,
  app: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<void> {
  const config = await effectiveConfig(ctx.store.db, project, app);
  const byDeployment = new Map<string, EntrypointSession[]>();
  for (const s of sessions.list({ project, app })) {
    byDeployment.set(s.deploymentId, [...(byDeployment.get(s.deploymentId) ?? []), s]);
  }
  await Promise.all(
    [...byDeployment.entries()].map(async ([deploymentId, group]) => {
      const maxParallel = await maxParallelOf(ctx, deploymentId);
      for (const wave of rolloutWaves(
        group.map((s) => s.instanceId),
        maxParallel,
      )) {
        if (signal.aborted) return;
        const failed = await Promise.all(
          wave.map(async (instanceId) => {
            const s = sessions.get(instanceId);
            if (!s || s.report?.configRevision === config.revision) return false;
            s.send({ case: "config", value: { env: config.env, revision: config.revision } });
            const ok = await sessions.waitForReport(
              instanceId,
              (r) =>
                (r.configRevision === config.revision && r.appState === "running") ||
                r.configErrorRevision === config.revision,
              { timeoutMs, signal },
            );
            if (sessions.get(instanceId)?.report?.configErrorRevision === config.revision) return true;
            if (!ok && !signal.aborted) {
              ctx.logger.warn(
                { instanceId, revision: config.revision },
                "instance did not confirm the new config in time",
              );
            }
            return false;
          }),
        );
        // A config the app cannot start with would fail on every instance: stop before the next wave.
        if (failed.includes(true)) {
          ctx.logger.warn(
            { project, app, revision: config.revision },
            "config rollout stopped: an instance could not apply it and keeps its previous config",
          );
          return;
        }
      }
    }),
  );
}

/** berth.hcl `max_parallel` of a deployment (from its stored spec); 1 when unset or unreadable. */
async function maxParallelOf(ctx: ServerContext, deploymentId: string): Promise<number> {
  const row = await ctx.store.db
    .selectFrom("deployments")
    .select("spec_json")
    .where("id", "=", deploymentId)
    .executeTakeFirst();
  try {
    return row ? (parseStoredSpec(row.spec_json).maxParallel ?? 1) : 1;
  } catch {
    return 1;
  }
}
