import { backoffDelayMs, sleep } from "@berth/failover";
import {
  type EntrypointConfig,
  type EntrypointService,
  type EntrypointSessionRequest,
  EntrypointSessionRequestSchema,
  type EntrypointSessionResponse_ExecRequest,
} from "@berth/proto";
import { createPushQueue, type PushQueue } from "@berth/streams";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import type { AppStatus } from "./app-supervisor.js";
import type { TokenHolder } from "./token-holder.js";

/** Bumped on incompatible changes of the entrypoint protocol; the server refuses what it does not know. */
export const protocolVersion = 1;

export interface SessionLoopOptions {
  client: Client<typeof EntrypointService>;
  instanceId: string;
  deploymentId: string;
  token: TokenHolder;
  status(): AppStatus;
  /** The server sent a config (Welcome or later). Apply it when its revision differs. */
  onConfig(config: EntrypointConfig): void;
  /**
   * The server asks to run a command. `connection` is aborted when this control session ends (the server
   * died, went silent or closed it): the session's client is gone with it, so the command must end.
   */
  onExec(request: EntrypointSessionResponse_ExecRequest, connection: AbortSignal): void;
  /** A session was established (the uploader retries at once). */
  onConnected(): void;
  /** Lines dropped while disconnected, to report when back. */
  droppedLogs(): bigint;
  log(message: string): void;
  signal: AbortSignal;
  /** Used until the server's Welcome names its own interval. */
  heartbeatIntervalMs?: number;
}

export interface SessionLoop {
  /** Sends the app's status now (if connected). */
  reportStatus(status: AppStatus): void;
  readonly connected: boolean;
  done: Promise<void>;
}

/** Keeps the control session to the server up: connect, hello, heartbeats, reconnect with backoff. */
export function startSessionLoop(options: SessionLoopOptions): SessionLoop {
  let current: PushQueue<EntrypointSessionRequest> | undefined;
  let connected = false;

  const statusMessage = (s: AppStatus) =>
    create(EntrypointSessionRequestSchema, {
      msg: {
        case: "status",
        value: {
          appState: s.state,
          appPid: s.pid,
          exitCode: s.exitCode,
          configRevision: s.configRevision,
          restarts: s.restarts,
          configError: s.configError.slice(0, 1024),
          configErrorRevision: s.configErrorRevision,
          port: s.port,
        },
      },
    });

  const runOnce = async (onWelcome: () => void) => {
    const ac = new AbortController();
    const signal = AbortSignal.any([options.signal, ac.signal]);
    const out = createPushQueue<EntrypointSessionRequest>();
    const status = options.status();
    out.push(
      create(EntrypointSessionRequestSchema, {
        msg: {
          case: "hello",
          value: {
            protocolVersion,
            instanceId: options.instanceId,
            deploymentId: options.deploymentId,
            pid: process.pid,
            appPid: status.pid,
            configRevision: status.configRevision,
          },
        },
      }),
    );
    let interval = options.heartbeatIntervalMs ?? 5_000;
    let lastHeard = Date.now();
    // Application-level keepalive: proxies such as AWS ALB ignore HTTP/2 pings, and a half-dead
    // connection must be noticed by both sides.
    let lastBeat = 0;
    const tick = setInterval(
      () => {
        const now = Date.now();
        if (now - lastHeard > interval * 3) {
          options.log(`no word from the server for ${now - lastHeard} ms; reconnecting`);
          // Unavailable, not a plain cancel: with several server addresses the next attempt goes to another.
          ac.abort(new ConnectError("the server went silent", Code.Unavailable));
          return;
        }
        if (now - lastBeat >= interval) {
          lastBeat = now;
          out.push(
            create(EntrypointSessionRequestSchema, {
              msg: { case: "heartbeat", value: timestampFromMs(now) },
            }),
          );
        }
      },
      Math.min(1_000, interval),
    );
    try {
      for await (const m of options.client.entrypointSession(out, { signal })) {
        lastHeard = Date.now();
        switch (m.msg.case) {
          case "welcome": {
            interval = m.msg.value.heartbeatIntervalMs || interval;
            current = out;
            connected = true;
            onWelcome();
            const dropped = options.droppedLogs();
            if (dropped > 0n)
              out.push(
                create(EntrypointSessionRequestSchema, { msg: { case: "droppedLogs", value: dropped } }),
              );
            out.push(statusMessage(options.status()));
            if (m.msg.value.config) options.onConfig(m.msg.value.config);
            options.onConnected();
            break;
          }
          case "config":
            options.onConfig(m.msg.value);
            break;
          case "token":
            options.token.secret = m.msg.value.secret;
            options.token.expiresAtMs = m.msg.value.expiresAt ? timestampMs(m.msg.value.expiresAt) : 0;
            break;
          case "exec":
            options.onExec(m.msg.value, signal);
            break;
          case "heartbeat":
            break;
        }
      }
    } finally {
      clearInterval(tick);
      if (current === out) current = undefined;
      connected = false;
      out.end();
      ac.abort();
    }
  };

  const loop = async () => {
    let attempt = 0;
    while (!options.signal.aborted) {
      try {
        await runOnce(() => {
          attempt = 0;
        });
        if (!options.signal.aborted) options.log("the server closed the session; reconnecting");
      } catch (err) {
        if (options.signal.aborted) break;
        options.log(`session to the server failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await sleep(backoffDelayMs(attempt++, { baseMs: 200, maxMs: 10_000 }), options.signal);
    }
  };

  return {
    reportStatus(s) {
      current?.push(statusMessage(s));
    },
    get connected() {
      return connected;
    },
    done: loop(),
  };
}
