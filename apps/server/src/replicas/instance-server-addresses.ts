import type { ServerContext } from "../server-context.js";
import { listReplicas } from "./replica-registry.js";
import { replicaTimingOf } from "./replica-timing.js";

/**
 * The server addresses an instance's entrypoint gets (BERTH_SERVER_ADDR, comma-separated): this replica's first,
 * then every other live replica's, so the entrypoint fails over when this one dies. One address on SQLite.
 */
export async function instanceServerAddresses(ctx: ServerContext): Promise<string> {
  if (ctx.store.dialect !== "postgres") return ctx.apiUrl;
  const replicas = await listReplicas(ctx.store.db, Date.now(), replicaTimingOf(ctx.options));
  const others = replicas.filter((r) => r.alive && r.id !== ctx.replicaId).map((r) => r.api_url);
  return [...new Set([ctx.apiUrl, ...others])].join(",");
}
