import {
  type EntrypointSessionRequest,
  type EntrypointSessionResponse,
  EntrypointSessionResponseSchema,
} from "@berth/proto";
import { createPushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { ulid } from "ulid";
import { getCaller } from "../auth/caller.js";
import { tokenStreamKey } from "../auth/token-streams.js";
import { effectiveConfig } from "../config/effective-config.js";
import { deploymentPlatform, engineOf } from "../lifecycle/engine.js";
import {
  recordEntrypointConnected,
  recordEntrypointDisconnected,
} from "../replicas/entrypoint-connections.js";
import { routesSettled } from "../route-feed/routes-settled.js";
import type { ServerContext } from "../server-context.js";
import { findInstance } from "./instance-target.js";
import { publishInstance } from "./publish-instance.js";
import type { AppReport, EntrypointSession, SessionRegistry } from "./session-registry.js";
import { renewTokenIfDue } from "./token-renewal.js";

/** Protocol versions this server speaks with entrypoints. */
export const entrypointProtocolVersion = 1;

export interface EntrypointSessionDeps {
  ctx: ServerContext;
  sessions: SessionRegistry;
  heartbeatIntervalMs?: number;
  /** How often the entrypoint's token is checked for renewal. */
  renewalCheckMs?: number;
}

/**
 * Serves one entrypoint's control channel: checks its Hello against its token, sends Welcome with the
 * app's effective config, then relays config pushes, exec requests, token renewals and heartbeats.
 */
export async function* serveEntrypointSession(
  deps: EntrypointSessionDeps,
  requests: AsyncIterable<EntrypointSessionRequest>,
  hctx: HandlerContext,
): AsyncGenerator<EntrypointSessionResponse> {
  const { ctx, sessions } = deps;
  const db = ctx.store.db;
  const caller = getCaller(hctx);
  const heartbeatMs = deps.heartbeatIntervalMs ?? 5_000;
  const it = requests[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done || first.value.msg.case !== "hello") {
    throw new ConnectError("the first message of EntrypointSession must be hello", Code.InvalidArgument);
  }
  const hello = first.value.msg.value;
  // An entrypoint reconnecting to a restarted server is served once the platform has re-adopted its instance.
  await engineOf(ctx).resumed;
  if (hello.protocolVersion > entrypointProtocolVersion) {
    throw new ConnectError(
      `entrypoint protocol ${hello.protocolVersion} is newer than this server's (${entrypointProtocolVersion}): upgrade the server`,
      Code.FailedPrecondition,
    );
  }
  if (hello.deploymentId !== caller.deploymentId) {
    throw new ConnectError(
      `hello.deployment_id "${hello.deploymentId}" is not the deployment this token was issued for`,
      Code.PermissionDenied,
    );
  }
  const target = await findInstance(db, hello.instanceId);
  if (target.instance.deployment_id !== caller.deploymentId) {
    throw new ConnectError(
      `instance "${hello.instanceId}" does not belong to this token's deployment`,
      Code.PermissionDenied,
    );
  }
  if (target.deployment.status === "destroyed") {
    throw new ConnectError(`deployment "${hello.deploymentId}" was destroyed`, Code.FailedPrecondition);
  }
  const config = await effectiveConfig(db, target.project, target.app);

  const out = createPushQueue<EntrypointSessionResponse>();
  const session: EntrypointSession = {
    instanceId: hello.instanceId,
    deploymentId: hello.deploymentId,
    project: target.project,
    app: target.app,
    connectedAt: Date.now(),
    connectionId: ulid(),
    report: undefined,
    send: (msg) => out.push(create(EntrypointSessionResponseSchema, { msg })),
    close: () => out.end(),
  };
  session.send({
    case: "welcome",
    value: { protocolVersion: entrypointProtocolVersion, config, heartbeatIntervalMs: heartbeatMs },
  });
  const remove = sessions.add(session);
  // Other replicas forward log follows and execs of this instance here (a SQLite server is the only replica).
  const shared = ctx.store.dialect === "postgres";
  if (shared)
    await recordEntrypointConnected(db, {
      instanceId: session.instanceId,
      deploymentId: session.deploymentId,
      replicaId: ctx.replicaId,
      connectionId: session.connectionId,
    }).catch((err) =>
      ctx.logger.warn({ err, instanceId: hello.instanceId }, "recording the entrypoint's connection failed"),
    );
  // Registered before the try below: a failure here must not leave a session nobody serves.
  await publishInstance(ctx, sessions, hello.instanceId).catch((err) =>
    ctx.logger.warn({ err, instanceId: hello.instanceId }, "publishing the instance's connection failed"),
  );

  let lastHeard = Date.now();
  let tokenId = caller.tokenId;
  const renew = async () => {
    const renewal = await renewTokenIfDue(db, tokenId, caller.deploymentId);
    if (renewal) {
      tokenId = renewal.tokenId;
      // The session lives on under the renewed token: the old one's expiry must not end it.
      hctx.values.get(tokenStreamKey)?.handOver(renewal.tokenId, renewal.expiresAtMs);
      session.send({
        case: "token",
        value: { secret: renewal.secret, expiresAt: timestampFromMs(renewal.expiresAtMs) },
      });
      // Where a restart of the instance reads its token (a Secret, a Variable), the renewed one goes too.
      await deploymentPlatform(ctx).tokenRenewed?.(caller.deploymentId, session.instanceId, renewal.secret);
    }
  };
  const beat = setInterval(() => {
    if (Date.now() - lastHeard > heartbeatMs * 3) {
      ctx.logger.warn({ instanceId: session.instanceId }, "entrypoint went silent; closing its session");
      out.end();
      return;
    }
    session.send({ case: "heartbeat", value: timestampFromMs(Date.now()) });
  }, heartbeatMs);
  const renewFailed = (err: unknown) =>
    ctx.logger.error({ err, instanceId: session.instanceId }, "entrypoint token renewal failed");
  const renewal = setInterval(() => void renew().catch(renewFailed), deps.renewalCheckMs ?? 60_000);
  void renew().catch(renewFailed);

  const pump = (async () => {
    for await (const m of { [Symbol.asyncIterator]: () => it }) {
      lastHeard = Date.now();
      switch (m.msg.case) {
        case "status":
          await recordStatus(deps, session, m.msg.value);
          break;
        case "droppedLogs":
          ctx.logger.warn(
            { instanceId: session.instanceId, dropped: Number(m.msg.value) },
            "entrypoint dropped log lines while the server was unreachable",
          );
          break;
        default:
          break;
      }
    }
  })()
    .catch((err) => {
      if (!hctx.signal.aborted) ctx.logger.debug({ err }, "entrypoint session input ended");
    })
    .finally(() => out.end());

  // A server stop ends the session at once; the entrypoint reconnects (its app keeps serving meanwhile).
  const endOnShutdown = () => out.end();
  ctx.shutdownSignal.addEventListener("abort", endOnShutdown, { once: true });
  if (ctx.shutdownSignal.aborted) out.end();
  try {
    for await (const m of out) yield m;
  } finally {
    ctx.shutdownSignal.removeEventListener("abort", endOnShutdown);
    clearInterval(beat);
    clearInterval(renewal);
    remove();
    out.end();
    void pump;
    if (shared)
      await recordEntrypointDisconnected(db, session.instanceId, session.connectionId).catch((err) =>
        ctx.logger.warn(
          { err, instanceId: hello.instanceId },
          "recording the entrypoint's disconnection failed",
        ),
      );
    await publishInstance(ctx, sessions, hello.instanceId).catch((err) =>
      ctx.logger.warn(
        { err, instanceId: hello.instanceId },
        "publishing the instance's disconnection failed",
      ),
    );
  }
}

async function recordStatus(
  deps: EntrypointSessionDeps,
  session: EntrypointSession,
  status: AppReport,
): Promise<void> {
  const before = session.report;
  // A config change replaced the app on a new port: routes and health probes follow it (the platform persists
  // and publishes the change), and routers have been sent the new port before the report below says the
  // instance runs the new revision: the rollout moves on, and the dashboard says "runs R", only when it is true.
  if (status.port > 0 && deploymentPlatform(deps.ctx).setInstancePort(session.instanceId, status.port))
    await routesSettled(deps.ctx);
  deps.sessions.report(session.instanceId, {
    appState: status.appState,
    appPid: status.appPid,
    exitCode: status.exitCode,
    configRevision: status.configRevision,
    restarts: status.restarts,
    configError: status.configError,
    configErrorRevision: status.configErrorRevision,
    port: status.port,
  });
  if (status.configError && before?.configError !== status.configError)
    deps.ctx.logger.warn(
      { instanceId: session.instanceId, revision: status.configErrorRevision, error: status.configError },
      "an instance could not apply a config push",
    );
  if (before?.configRevision !== status.configRevision) {
    await deps.ctx.store.db
      .updateTable("instances")
      .set({ config_revision: status.configRevision })
      .where("id", "=", session.instanceId)
      .execute();
  } else if (before?.configError === status.configError) return;
  await publishInstance(deps.ctx, deps.sessions, session.instanceId);
}
