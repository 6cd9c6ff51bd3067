import { startEngine } from "./lifecycle/engine.js";
import type { ServerContext } from "./server-context.js";

/**
 * Starts the server's subsystems (router, platforms, built-in runner, log store...) once the API listens.
 * One line per subsystem, in dependency order; each registers its own stop with `ctx.onClose(fn)`
 * and may fill its fields on the context (e.g. `ctx.routerPort`).
 */
export async function startSubsystems(ctx: ServerContext): Promise<void> {
  // Jobs, runners, the process platform (resuming deployments) and the URL router.
  await startEngine(ctx);
}
