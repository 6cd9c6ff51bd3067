import { engineOf, startEngine } from "./lifecycle/engine.js";
import { startNotificationDispatcher } from "./notifications/notification-dispatcher.js";
import { startPreviewSweeper } from "./previews/preview-sweeper.js";
import { startReplication } from "./replicas/start-replication.js";
import type { ServerContext } from "./server-context.js";

/**
 * Starts the server's subsystems (router, platforms, built-in runner, log store...) once the API listens.
 * One line per subsystem, in dependency order; each registers its own stop with `ctx.onClose(fn)`
 * and may fill its fields on the context (e.g. `ctx.routerPort`).
 */
export async function startSubsystems(ctx: ServerContext): Promise<void> {
  // The replica registry and heartbeat, and on PostgreSQL the other replicas' events: first, so this replica is
  // known (and beating) before its runner takes jobs; stopped last.
  await startReplication(ctx, engineOf(ctx));
  // Jobs, runners, the process platform (resuming deployments) and the URL router.
  await startEngine(ctx);
  // Outbound notifications from the outbox; stops (giving unfinished attempts back) before the store closes.
  const notifier = startNotificationDispatcher(ctx, ctx.options.notifications);
  ctx.notifier = notifier;
  ctx.onClose(() => notifier.stop());
  // Expired previews and what a closed pull request's in-flight build left running.
  startPreviewSweeper(ctx, engineOf(ctx));
}
