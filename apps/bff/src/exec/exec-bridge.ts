import { ExecService, StartExecStreamRequestSchema } from "@berth/proto";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";
import { type Pushable, pushable } from "it-pushable";
import type { WebSocket } from "ws";
import type { BffMetrics } from "../plugins/app/metrics.js";
import type { Upstream } from "../plugins/app/upstream.js";
import type { Session } from "../sessions/session-store.js";
import { closeForError, ExecCloseCode, exitedCloseCode } from "./exec-close-codes.js";
import { type ExecStartRequest, isFrameError, parseControlFrame, parseStartFrame } from "./exec-frames.js";
import type { FrameInbox } from "./frame-inbox.js";

type ExecInput = MessageInitShape<typeof StartExecStreamRequestSchema>;

export interface ExecBridgeOptions {
  /** The socket's frames, buffered since the upgrade (see createFrameInbox). */
  inbox: FrameInbox;
  upstream: Upstream;
  metrics: BffMetrics;
  session: Session;
  log: FastifyBaseLogger;
  requestId: string;
  /** Interval of keepalive pings; a socket that misses one whole interval is dropped. */
  keepaliveMs: number;
  /** How long the browser has to send its start frame. */
  startTimeoutMs?: number;
}

// Output waits for the browser once this much is queued in the socket (backpressure towards the PTY).
const outputHighWater = 1024 * 1024;
// Input pauses reading the socket once this many frames wait for the server.
const inputHighWater = 256;

function sendControl(socket: WebSocket, frame: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function closeWith(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
    socket.close(code, reason);
}

/** Relays the browser's frames into the exec stream: binary frames are stdin, JSON text frames control. */
function pumpInput(socket: WebSocket, inbox: FrameInbox, input: Pushable<ExecInput>): void {
  const push = (msg: ExecInput) => {
    input.push(msg);
    if (input.readableLength > inputHighWater) socket.pause();
  };
  inbox.drainTo(({ data, isBinary }) => {
    if (isBinary) {
      push({ msg: { case: "stdin", value: data } });
      return;
    }
    const frame = parseControlFrame(data.toString("utf8"));
    if (isFrameError(frame)) {
      // A confused client gets told, not disconnected: the session may still be useful.
      sendControl(socket, { type: "error", message: `ignored a control frame: ${frame.error}` });
      return;
    }
    switch (frame.type) {
      case "resize":
        push({ msg: { case: "resize", value: { cols: frame.cols, rows: frame.rows } } });
        break;
      case "signal":
        push({ msg: { case: "signal", value: frame.signal } });
        break;
      case "stdin":
        push({ msg: { case: "stdin", value: Buffer.from(frame.data, "utf8") } });
        break;
      case "close_stdin":
        push({ msg: { case: "closeStdin", value: true } });
        break;
    }
  });
}

async function* drained(input: AsyncIterable<ExecInput>, socket: WebSocket): AsyncIterable<ExecInput> {
  for await (const msg of input) {
    yield create(StartExecStreamRequestSchema, msg);
    if (socket.isPaused) socket.resume();
  }
}

function startMessage(start: ExecStartRequest): ExecInput {
  return {
    msg: {
      case: "start",
      value: {
        deploymentId: start.deploymentId,
        instanceId: start.instanceId,
        args: start.args,
        tty: start.tty,
        size: { cols: start.cols, rows: start.rows },
      },
    },
  };
}

/**
 * Runs one terminal session: reads the start frame, opens the server's bidi exec stream with the
 * session's token and relays both ways until the command exits or either side goes away. Never
 * throws: every failure ends in a close code (see exec-close-codes.ts).
 */
export async function bridgeExec(socket: WebSocket, options: ExecBridgeOptions): Promise<void> {
  const { metrics, log } = options;
  const aborted = new AbortController();
  let alive = true;
  const keepalive = setInterval(() => {
    if (!alive) {
      log.info("terminal socket missed a keepalive ping; closing");
      closeWith(socket, ExecCloseCode.keepaliveTimeout, "keepalive timeout");
      socket.terminate();
      return;
    }
    alive = false;
    if (socket.readyState === socket.OPEN) socket.ping();
  }, options.keepaliveMs);
  socket.on("pong", () => {
    alive = true;
  });
  socket.on("close", () => aborted.abort());
  // ws reports protocol violations (oversized or malformed frames) here; it closes the socket itself.
  socket.on("error", (err) => log.info({ err }, "terminal socket error"));

  metrics.execSessions.inc();
  try {
    const first = await options.inbox.first(options.startTimeoutMs ?? 10_000);
    if (first === undefined || first.isBinary) {
      sendControl(socket, { type: "error", message: "expected a JSON start frame first" });
      closeWith(socket, ExecCloseCode.badRequest, "expected a JSON start frame first");
      return;
    }
    const start = parseStartFrame(first.data.toString("utf8"));
    if (isFrameError(start)) {
      sendControl(socket, { type: "error", message: start.error });
      closeWith(socket, ExecCloseCode.badRequest, "invalid start frame");
      return;
    }
    await relay(socket, start, options, aborted.signal);
  } finally {
    clearInterval(keepalive);
    metrics.execSessions.dec();
  }
}

async function relay(
  socket: WebSocket,
  start: ExecStartRequest,
  options: ExecBridgeOptions,
  signal: AbortSignal,
): Promise<void> {
  const { upstream, metrics, log } = options;
  const input = pushable<ExecInput>({ objectMode: true });
  input.push(startMessage(start));
  pumpInput(socket, options.inbox, input);
  signal.addEventListener("abort", () => input.end(), { once: true });

  const label = { method: "ExecService/StartExecStream" };
  metrics.upstreamStreams.inc(label);
  let exit: { code: number; signal: string } | undefined;
  try {
    const { headers } = upstream.callOptions(options.session.token, undefined, options.requestId);
    const response = await upstream.transport.stream(
      ExecService.method.startExecStream,
      signal,
      undefined,
      headers,
      drained(input, socket),
    );
    for await (const out of response.message) {
      switch (out.msg.case) {
        case "started":
          sendControl(socket, {
            type: "started",
            sessionId: out.msg.value.sessionId,
            instanceId: out.msg.value.instanceId,
            deploymentId: out.msg.value.deploymentId,
          });
          break;
        case "stdout":
        case "stderr":
          if (socket.readyState !== socket.OPEN) break;
          if (socket.bufferedAmount > outputHighWater) {
            await new Promise<void>((resolve) => socket.send(out.msg.value as Uint8Array, () => resolve()));
          } else {
            socket.send(out.msg.value);
          }
          break;
        case "exit":
          exit = { code: out.msg.value.code, signal: out.msg.value.signal };
          sendControl(socket, { type: "exit", code: exit.code, signal: exit.signal || undefined });
          break;
      }
    }
    if (exit) {
      closeWith(socket, exitedCloseCode(exit.code), `exited with ${exit.code}`);
    } else if (!signal.aborted) {
      sendControl(socket, { type: "error", message: "the command's instance went away before it exited" });
      closeWith(socket, ExecCloseCode.instanceGone, "instance gone");
    }
  } catch (err) {
    if (signal.aborted) return;
    let close = closeForError(err);
    // Unavailable means either "no server" or "the server has no live entrypoint for that instance".
    if (close.code === ExecCloseCode.serverUnreachable && (await upstream.probe(1_000)).reachable) {
      close = { code: ExecCloseCode.instanceGone, reason: "instance gone" };
    }
    if (close.code === ExecCloseCode.internalError || close.code === ExecCloseCode.serverUnreachable) {
      log.warn({ err }, "exec stream failed");
    }
    const message =
      close.code === ExecCloseCode.internalError
        ? "the terminal session failed; see the BFF log"
        : errorText(err);
    sendControl(socket, { type: "error", message });
    closeWith(socket, close.code, close.reason);
  } finally {
    input.end();
    metrics.upstreamStreams.dec(label);
  }
}

function errorText(err: unknown): string {
  return ConnectError.from(err).rawMessage;
}
