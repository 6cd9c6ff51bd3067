import type { ExecStart } from "@berth/proto";
import { Code, ConnectError } from "@connectrpc/connect";
import { findDeployment, findInstance } from "../entrypoint/instance-target.js";
import type { EntrypointSession, SessionRegistry } from "../entrypoint/session-registry.js";
import type { InstanceView, Platform } from "../platforms/platform.js";
import type { ServerContext } from "../server-context.js";

/** Where an exec runs: through the instance's connected entrypoint, or else its platform (Docker exec, ...). */
export interface ExecTarget {
  instanceId: string;
  deploymentId: string;
  project: string;
  app: string;
  /** The connected entrypoint; absent: the platform's own exec runs the command. */
  session?: EntrypointSession;
}

export interface PickExecTargetDeps {
  db: ServerContext["store"]["db"];
  sessions: SessionRegistry;
  platform: Platform;
  /** How long an instance's entrypoint gets to connect after the instance started (or while reconnecting). */
  connectTimeoutMs: number;
}

/**
 * Picks the instance of an exec and how to reach it — Waypoint's order: its entrypoint first (waiting a while
 * for one that just started, as apps are up before their entrypoint dials in), its platform's exec second
 * (no entrypoint within that while: an image without node, a crash loop, an unreachable server address).
 */
export async function pickExecTarget(
  deps: PickExecTargetDeps,
  start: ExecStart,
  signal: AbortSignal,
): Promise<ExecTarget> {
  if (!start.deploymentId && !start.instanceId) {
    throw new ConnectError("start: give deployment_id or instance_id", Code.InvalidArgument);
  }
  const target = start.instanceId
    ? await findInstance(deps.db, start.instanceId)
    : await findDeployment(deps.db, start.deploymentId);
  const { deployment, project, app } = target;
  if (start.deploymentId && deployment.id !== start.deploymentId) {
    throw new ConnectError(
      `instance "${start.instanceId}" is not part of deployment "${start.deploymentId}"`,
      Code.InvalidArgument,
    );
  }
  if (deployment.status === "destroyed") {
    throw new ConnectError(
      `deployment v${deployment.seq} of ${project}/${app} was destroyed: exec into a running deployment`,
      Code.FailedPrecondition,
    );
  }
  const names = { deploymentId: deployment.id, project, app };
  const filter = start.instanceId ? { instanceId: start.instanceId } : { deploymentId: deployment.id };
  let session = pickSession(deps.sessions.list(filter));
  // The instance the platform would exec into: the one asked for, else a running one its engine knows.
  const views = deps.platform.instances(deployment.id).filter((v) => v.nativeId);
  const native = start.instanceId
    ? views.find((v) => v.id === start.instanceId)
    : (views.find((v) => v.state === "running") ?? views[0]);
  if (!session && (native || (await hasLiveInstance(deps.db, deployment.id, start.instanceId)))) {
    session = await deps.sessions.waitForSession(filter, {
      timeoutMs: native ? entrypointGraceLeft(native, deps.connectTimeoutMs) : deps.connectTimeoutMs,
      signal,
    });
  }
  if (session) return { ...names, instanceId: session.instanceId, session };
  if (native && deps.platform.nativeExec) return { ...names, instanceId: native.id };
  throw new ConnectError(
    start.instanceId
      ? `instance "${start.instanceId}" has no entrypoint connected and its platform (${deployment.platform}) cannot exec into it (is it running?)`
      : `no instance of deployment v${deployment.seq} of ${project}/${app} has its entrypoint connected, and its platform (${deployment.platform}) cannot exec into one`,
    Code.Unavailable,
  );
}

/** An entrypoint whose app exited stays connected a moment to send its last logs: never pick it first. */
function pickSession(all: EntrypointSession[]): EntrypointSession | undefined {
  return (
    all.find((s) => s.report?.appState === "running") ??
    all.find((s) => s.report?.appState !== "exited") ??
    all[0]
  );
}

/** What is left of an instance's time to get its entrypoint connected: none once it has run that long. */
function entrypointGraceLeft(view: InstanceView, connectTimeoutMs: number): number {
  if (view.startedAt === null) return connectTimeoutMs;
  return Math.max(0, Math.min(connectTimeoutMs, view.startedAt + connectTimeoutMs - Date.now()));
}

/** Whether the deployment (or the one instance asked for) has an instance the platform runs or is starting. */
async function hasLiveInstance(
  db: ServerContext["store"]["db"],
  deploymentId: string,
  instanceId: string,
): Promise<boolean> {
  let query = db
    .selectFrom("instances")
    .select("id")
    .where("deployment_id", "=", deploymentId)
    .where("state", "in", ["starting", "running"]);
  if (instanceId) query = query.where("id", "=", instanceId);
  return (await query.executeTakeFirst()) !== undefined;
}
