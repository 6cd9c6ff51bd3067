import { toInstanceProto } from "../catalog/to-proto.js";
import type { ServerContext } from "../server-context.js";
import { findInstance } from "./instance-target.js";
import { instanceLiveState, type SessionRegistry } from "./session-registry.js";

/** Publishes an instance's current row (with its connection state) for live views. */
export async function publishInstance(ctx: ServerContext, sessions: SessionRegistry, instanceId: string) {
  const target = await findInstance(ctx.store.db, instanceId).catch(() => undefined);
  if (!target) return;
  ctx.events.publish({
    project: target.project,
    app: target.app,
    event: {
      case: "instance",
      value: toInstanceProto(target.instance, instanceLiveState(sessions, instanceId)),
    },
  });
}
