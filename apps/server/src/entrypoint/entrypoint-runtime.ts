import { join } from "node:path";
import { startConfigPush } from "../config-push/config-push.js";
import { createExecRelay, type ExecRelay } from "../exec/exec-relay.js";
import { createLogStore, type LogStore } from "../logs/log-store.js";
import { createReplicaPeers, type ReplicaPeers } from "../replicas/replica-peers.js";
import type { ServerContext } from "../server-context.js";
import { createSessionRegistry, type SessionRegistry } from "./session-registry.js";

/** The server's side of running apps: their logs, their connected entrypoints, exec sessions. */
export interface EntrypointRuntime {
  logs: LogStore;
  sessions: SessionRegistry;
  execs: ExecRelay;
  /** The other replicas: log follows and execs of instances whose entrypoint one of them holds go there. */
  peers: ReplicaPeers;
  /** Which deployment an instance belongs to (never changes, so cached). */
  instanceDeployments: Map<string, string>;
}

const runtimes = new WeakMap<ServerContext, EntrypointRuntime>();

/**
 * The runtime of one server, created on first use (when the services are registered) and closed with
 * the server. Keyed by the context, so tests running several servers in one process stay apart.
 * Other parts use it to ask e.g. `entrypointRuntime(ctx).sessions.isConnected(instanceId)`.
 */
export function entrypointRuntime(ctx: ServerContext): EntrypointRuntime {
  const existing = runtimes.get(ctx);
  if (existing) return existing;
  const logs = createLogStore({
    path: join(ctx.options.dataDir, "logs.db"),
    maxDiskBytes: ctx.options.logMaxBytes,
  });
  const runtime: EntrypointRuntime = {
    logs,
    sessions: createSessionRegistry(),
    execs: createExecRelay(),
    peers: createReplicaPeers(ctx),
    instanceDeployments: new Map(),
  };
  runtimes.set(ctx, runtime);
  startConfigPush(ctx, runtime.sessions);
  ctx.onClose(() => logs.close());
  return runtime;
}
