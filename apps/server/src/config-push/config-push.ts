import { effectiveConfig } from "../config/effective-config.js";
import type { EntrypointSession, SessionRegistry } from "../entrypoint/session-registry.js";
import type { ServerContext } from "../server-context.js";
import { rolloutWaves } from "./rollout-waves.js";

export interface ConfigPushOptions {
  /** How long one instance gets to report it runs the new revision before the rollout moves on. */
  instanceTimeoutMs?: number;
}

/**
 * Pushes each new config revision to the connected entrypoints of the apps it concerns. Deployments
 * with several instances restart one instance at a time (waiting for it to report running on the new
 * revision), so the app keeps serving. A newer revision cancels a rollout still in progress.
 */
export function startConfigPush(
  ctx: ServerContext,
  sessions: SessionRegistry,
  options: ConfigPushOptions = {},
): void {
  const rollouts = new Map<string, AbortController>();
  const run = async () => {
    for await (const e of ctx.events.subscribe({}, ctx.shutdownSignal)) {
      if (e.event.case !== "config") continue;
      const { project, app } = e.event.value;
      const apps = app ? [app] : [...new Set(sessions.list({ project }).map((s) => s.app))];
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
    }
  };
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
    [...byDeployment.values()].map(async (group) => {
      for (const wave of rolloutWaves(group.map((s) => s.instanceId))) {
        if (signal.aborted) return;
        await Promise.all(
          wave.map(async (instanceId) => {
            const s = sessions.get(instanceId);
            if (!s || s.report?.configRevision === config.revision) return;
            s.send({ case: "config", value: { env: config.env, revision: config.revision } });
            const ok = await sessions.waitForReport(
              instanceId,
              (r) => r.configRevision === config.revision && r.appState === "running",
              { timeoutMs, signal },
            );
            if (!ok && !signal.aborted) {
              ctx.logger.warn(
                { instanceId, revision: config.revision },
                "instance did not confirm the new config in time",
              );
            }
          }),
        );
      }
    }),
  );
}
