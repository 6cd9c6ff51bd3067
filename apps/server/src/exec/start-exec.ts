import {
  EntrypointExecResponseSchema,
  type ExecStart,
  type StartExecStreamRequest,
  type StartExecStreamResponse,
  StartExecStreamResponseSchema,
} from "@berth/proto";
import { abortable } from "@berth/streams";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { ulid } from "ulid";
import { recordAudit } from "../audit/record-audit.js";
import { getCaller } from "../auth/caller.js";
import { findDeployment, findInstance } from "../entrypoint/instance-target.js";
import type { EntrypointSession, SessionRegistry } from "../entrypoint/session-registry.js";
import type { ServerContext } from "../server-context.js";
import type { ExecRelay } from "./exec-relay.js";

export interface StartExecDeps {
  ctx: ServerContext;
  sessions: SessionRegistry;
  relay: ExecRelay;
  /** How long the entrypoint gets to open its side of the session. */
  attachTimeoutMs?: number;
  /** How long to wait for the entrypoint of a running instance that is not connected (yet, or again). */
  connectTimeoutMs?: number;
}

/**
 * StartExecStream: picks the instance, asks its entrypoint (over its own outbound session) to run the
 * command, then relays both ways until the command exits. Audited with who, where, what, exit code, duration.
 */
export async function* startExec(
  deps: StartExecDeps,
  requests: AsyncIterable<StartExecStreamRequest>,
  hctx: HandlerContext,
): AsyncGenerator<StartExecStreamResponse> {
  const caller = getCaller(hctx);
  const it = requests[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done || first.value.msg.case !== "start") {
    throw new ConnectError("the first message of StartExecStream must be start", Code.InvalidArgument);
  }
  const start = first.value.msg.value;
  const { session, project, app } = await pickSession(deps, start, hctx.signal);
  const sessionId = ulid();
  const startedAt = Date.now();
  // Recorded before the command runs, so a session is on the record while it lasts and even if the
  // server dies mid-session; exec.run follows with the outcome.
  await recordAudit(deps.ctx.store.db, {
    actor: caller,
    action: "exec.start",
    project,
    app,
    target: session.instanceId,
    details: { sessionId, deploymentId: session.deploymentId, args: start.args, tty: start.tty },
  });
  const waiting = deps.relay.expect(
    sessionId,
    session.deploymentId,
    deps.attachTimeoutMs ?? 10_000,
    hctx.signal,
  );
  session.send({
    case: "exec",
    value: { sessionId, args: start.args, tty: start.tty, size: start.size },
  });
  const side = await waiting;
  // The client is gone (cancelled, its connection dropped): ending the entrypoint's stream tells the
  // entrypoint to end the command and its whole session, as a terminal hang-up would.
  const onClientGone = () => side.toEntrypoint.end();
  hctx.signal.addEventListener("abort", onClientGone, { once: true });
  const toEntrypoint = (msg: MessageInitShape<typeof EntrypointExecResponseSchema>["msg"]) =>
    side.toEntrypoint.push(create(EntrypointExecResponseSchema, { msg }));
  let exit: { code: number; signal: string } | undefined;

  const pumpInput = (async () => {
    for await (const m of { [Symbol.asyncIterator]: () => it }) {
      switch (m.msg.case) {
        case "stdin":
          toEntrypoint({ case: "stdin", value: m.msg.value });
          break;
        case "resize":
          toEntrypoint({ case: "resize", value: m.msg.value });
          break;
        case "closeStdin":
          toEntrypoint({ case: "closeStdin", value: true });
          break;
        case "signal":
          toEntrypoint({ case: "signal", value: m.msg.value });
          break;
        default:
          break;
      }
    }
  })().catch(() => {
    // The client went away; the finally below ends the entrypoint's stream, which stops the command.
  });

  try {
    yield create(StartExecStreamResponseSchema, {
      msg: {
        case: "started",
        value: { sessionId, instanceId: session.instanceId, deploymentId: session.deploymentId },
      },
    });
    // The call's signal (client gone, token revoked) ends the relay even while the command is silent.
    const fromEntrypoint = abortable({ [Symbol.asyncIterator]: () => side.fromEntrypoint }, hctx.signal);
    for (;;) {
      const r = await fromEntrypoint.next().catch((err: unknown) => {
        if (hctx.signal.aborted) throw hctx.signal.reason;
        throw new ConnectError(
          "lost the connection to the instance's entrypoint",
          Code.Unavailable,
          undefined,
          undefined,
          err,
        );
      });
      if (r.done) break;
      const m = r.value.msg;
      if (m.case === "output") {
        yield create(StartExecStreamResponseSchema, {
          msg: { case: m.value.stderr ? "stderr" : "stdout", value: m.value.data },
        });
      } else if (m.case === "exit") {
        exit = { code: m.value.code, signal: m.value.signal };
        yield create(StartExecStreamResponseSchema, { msg: { case: "exit", value: exit } });
        break;
      } else if (m.case === "error") {
        throw new ConnectError(m.value, Code.FailedPrecondition);
      }
    }
    if (!exit)
      throw new ConnectError("the entrypoint ended the exec session without an exit code", Code.Unavailable);
  } finally {
    hctx.signal.removeEventListener("abort", onClientGone);
    side.toEntrypoint.end();
    void pumpInput;
    await recordAudit(deps.ctx.store.db, {
      actor: caller,
      action: "exec.run",
      project,
      app,
      target: session.instanceId,
      details: {
        sessionId,
        deploymentId: session.deploymentId,
        instanceId: session.instanceId,
        args: start.args,
        tty: start.tty,
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? "",
        durationMs: Date.now() - startedAt,
      },
    }).catch((err) => deps.ctx.logger.error({ err }, "recording the exec audit event failed"));
  }
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

async function pickSession(
  deps: StartExecDeps,
  start: ExecStart,
  signal: AbortSignal,
): Promise<{ session: EntrypointSession; project: string; app: string }> {
  const db = deps.ctx.store.db;
  if (!start.deploymentId && !start.instanceId) {
    throw new ConnectError("start: give deployment_id or instance_id", Code.InvalidArgument);
  }
  const target = start.instanceId
    ? await findInstance(db, start.instanceId)
    : await findDeployment(db, start.deploymentId);
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
  let session: EntrypointSession | undefined;
  if (start.instanceId) session = deps.sessions.get(start.instanceId);
  else {
    const all = deps.sessions.list({ deploymentId: deployment.id });
    // An entrypoint whose app exited stays connected a moment to send its last logs: never pick it first.
    session =
      all.find((s) => s.report?.appState === "running") ??
      all.find((s) => s.report?.appState !== "exited") ??
      all[0];
  }
  if (!session && (await hasLiveInstance(db, deployment.id, start.instanceId))) {
    // An instance that just started (or whose entrypoint is reconnecting) has its app up before its
    // entrypoint dials in: wait for it rather than fail a terminal opened right after a deploy.
    session = await deps.sessions.waitForSession(
      start.instanceId ? { instanceId: start.instanceId } : { deploymentId: deployment.id },
      { timeoutMs: deps.connectTimeoutMs ?? 10_000, signal },
    );
  }
  if (!session) {
    throw new ConnectError(
      start.instanceId
        ? `instance "${start.instanceId}" has no entrypoint connected (is it running?)`
        : `no instance of deployment v${deployment.seq} of ${project}/${app} has its entrypoint connected`,
      Code.Unavailable,
    );
  }
  return { session, project, app };
}
