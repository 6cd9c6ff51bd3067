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
import { findInstance } from "../entrypoint/instance-target.js";
import type { EntrypointSession, SessionRegistry } from "../entrypoint/session-registry.js";
import type { Platform } from "../platforms/platform.js";
import type { EntrypointHolder } from "../replicas/entrypoint-connections.js";
import type { ReplicaPeers } from "../replicas/replica-peers.js";
import type { ServerContext } from "../server-context.js";
import type { ExecRelay } from "./exec-relay.js";
import { forwardExec, remoteExecHolder } from "./forward-exec.js";
import { type ExecTarget, pickExecTarget } from "./pick-exec-target.js";
import { relayNativeExec } from "./relay-native-exec.js";

export interface StartExecDeps {
  ctx: ServerContext;
  sessions: SessionRegistry;
  relay: ExecRelay;
  /** The platforms running the deployments: their own exec is the fallback when no entrypoint is connected. */
  platform: Platform;
  /** How long the entrypoint gets to open its side of the session. */
  attachTimeoutMs?: number;
  /** How long to wait for the entrypoint of a running instance that is not connected (yet, or again). */
  connectTimeoutMs?: number;
  /** The other replicas: an exec of an instance whose entrypoint one of them holds runs through it. */
  peers?: ReplicaPeers;
  /**
   * Served for another replica (ForwardExecStream): that replica authorised the user and records the audit
   * events, so this one records none (an exec is audited once) and forwards nowhere (no loops).
   */
  forwarded?: boolean;
}

/**
 * StartExecStream: picks the instance, asks its entrypoint (over its own outbound session) to run the
 * command — or, with no entrypoint connected, the instance's platform — then relays both ways until the
 * command exits. Audited with who, where, what, through which, exit code, duration.
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
  const holder =
    deps.peers && !deps.forwarded ? await remoteExecHolder(deps.ctx, deps.sessions, start) : undefined;
  const target = holder
    ? await forwardedTarget(deps.ctx, holder, start)
    : await pickExecTarget(
        {
          db: deps.ctx.store.db,
          sessions: deps.sessions,
          platform: deps.platform,
          connectTimeoutMs: deps.connectTimeoutMs ?? 10_000,
        },
        start,
        hctx.signal,
      );
  const { project, app, session } = target;
  const via = holder ? "replica" : session ? "entrypoint" : "platform";
  const audited = !deps.forwarded;
  const sessionId = ulid();
  const startedAt = Date.now();
  // Recorded before the command runs, so a session is on the record while it lasts and even if the
  // server dies mid-session; exec.run follows with the outcome.
  if (audited)
    await recordAudit(deps.ctx.store.db, {
      actor: caller,
      action: "exec.start",
      project,
      app,
      target: target.instanceId,
      details: {
        sessionId,
        deploymentId: target.deploymentId,
        args: start.args,
        tty: start.tty,
        via,
        ...(holder ? { replica: holder.replicaId } : {}),
      },
    });
  let exit: { code: number; signal: string } | undefined;
  try {
    const relay = holder
      ? forwardExec(deps.peers!, holder, start, it, hctx.signal)
      : session
        ? relayEntrypointExec(deps, session, sessionId, start, it, hctx)
        : relayNativeExec(deps.platform, target, sessionId, start, it, hctx.signal);
    for await (const m of relay) {
      if (m.msg.case === "exit") exit = { code: m.msg.value.code, signal: m.msg.value.signal };
      yield m;
    }
  } finally {
    if (audited)
      await recordAudit(deps.ctx.store.db, {
        actor: caller,
        action: "exec.run",
        project,
        app,
        target: target.instanceId,
        details: {
          sessionId,
          deploymentId: target.deploymentId,
          instanceId: target.instanceId,
          args: start.args,
          tty: start.tty,
          via,
          ...(holder ? { replica: holder.replicaId } : {}),
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? "",
          durationMs: Date.now() - startedAt,
        },
      }).catch((err) => deps.ctx.logger.error({ err }, "recording the exec audit event failed"));
  }
}

/** The instance of an exec another replica runs, checked against the start's deployment, for the audit here. */
async function forwardedTarget(
  ctx: ServerContext,
  holder: EntrypointHolder,
  start: ExecStart,
): Promise<ExecTarget> {
  const { instance, project, app } = await findInstance(ctx.store.db, holder.instanceId);
  if (start.deploymentId && instance.deployment_id !== start.deploymentId) {
    throw new ConnectError(
      `instance "${start.instanceId}" is not part of deployment "${start.deploymentId}"`,
      Code.InvalidArgument,
    );
  }
  return { instanceId: instance.id, deploymentId: instance.deployment_id, project, app };
}

/** The relay through the instance's entrypoint: it opens its side of the session, then both ways until the exit. */
async function* relayEntrypointExec(
  deps: StartExecDeps,
  session: EntrypointSession,
  sessionId: string,
  start: ExecStart,
  it: AsyncIterator<StartExecStreamRequest>,
  hctx: HandlerContext,
): AsyncGenerator<StartExecStreamResponse> {
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
  }
}
