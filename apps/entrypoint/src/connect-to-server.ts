import { createFailoverTransport } from "@berth/failover";
import {
  type EntrypointConfig,
  EntrypointService,
  LogLineSchema,
  OutputStream,
  UploadLogsRequestSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { AppSupervisor } from "./app-supervisor.js";
import type { EntrypointEnv } from "./entrypoint-env.js";
import { runExecChannel } from "./exec-channel.js";
import type { LogBuffer } from "./log-buffer.js";
import { createLogUploader } from "./log-uploader.js";
import { type SessionLoop, startSessionLoop } from "./session-loop.js";
import { createTokenInterceptor, type TokenHolder } from "./token-holder.js";

export interface ConnectToServerOptions {
  settings: EntrypointEnv;
  buffer: LogBuffer;
  supervisor: AppSupervisor;
  cwd: string;
  signal: AbortSignal;
  log(message: string): void;
}

export interface ServerConnection {
  session: SessionLoop;
  uploaderDone: Promise<void>;
  /** Resolves when the buffered lines were accepted, or after `ms`. */
  drain(ms: number): Promise<boolean>;
  /** Resolves once every exec session running now has ended, its command's session included. */
  execsEnded(): Promise<void>;
}

/** The outbound side: control session (config, exec, token renewal) and log uploads. */
export function connectToServer(options: ConnectToServerOptions): ServerConnection {
  const { settings, buffer, supervisor } = options;
  const token: TokenHolder = { secret: settings.token, expiresAtMs: 0 };
  // Several addresses are replicas: when the one in use goes away, the session, uploads and exec move on to the
  // next together (they share the transport's position), each reconnecting through its own loop.
  const transport = createFailoverTransport({
    addresses: settings.serverAddrs,
    transportFor: (baseUrl) =>
      createGrpcTransport({
        baseUrl,
        interceptors: [createTokenInterceptor(token)],
        pingIntervalMs: 15_000,
        // Small control messages and stdin: gzip costs CPU in the app's process and saves nothing.
        acceptCompression: [],
      }),
    onFailover: (from, to, reason) =>
      options.log(`the server at ${from} did not answer (${reason.rawMessage}); trying ${to}`),
  });
  const client = createClient(EntrypointService, transport);
  const uploader = createLogUploader({
    buffer,
    signal: options.signal,
    async upload(batch, signal) {
      const request = create(UploadLogsRequestSchema, {
        instanceId: settings.instanceId,
        dropped: batch.dropped,
        lines: batch.lines.map((l) =>
          // instance_id is on the request once, not on each line (it would double a short line's size).
          create(LogLineSchema, {
            stream: l.stream === "stdout" ? OutputStream.STDOUT : OutputStream.STDERR,
            timestamp: timestampFromMs(l.timeMs),
            data: l.data,
            seq: l.seq,
          }),
        ),
      });
      await client.uploadLogs(once(request), { signal, timeoutMs: 15_000 });
    },
  });
  let configChain = Promise.resolve();
  const execs = new Set<Promise<void>>();
  const applyConfig = async (config: EntrypointConfig) => {
    const { configRevision, configErrorRevision } = supervisor.status;
    if (config.revision === configRevision || config.revision === configErrorRevision) {
      // Already running it, or already known not to start: a reconnect's Welcome must not restart the app.
      session.reportStatus(supervisor.status);
      return;
    }
    if (!supervisor.configDiffers(config.env)) {
      // Another app's change bumped the project's revision: nothing to restart for.
      supervisor.adoptRevision(config.env, config.revision);
      return;
    }
    options.log(`config revision ${config.revision}: restarting the app`);
    await supervisor.applyConfig(config.env, config.revision);
  };
  const session = startSessionLoop({
    client,
    instanceId: settings.instanceId,
    deploymentId: settings.deploymentId,
    token,
    signal: options.signal,
    status: () => supervisor.status,
    droppedLogs: () => buffer.droppedTotal,
    onConnected: () => uploader.kick(),
    log: options.log,
    onConfig(config) {
      // Each apply stands alone: a failed one is reported (in the status) and the next push still runs.
      configChain = configChain
        .then(() => applyConfig(config))
        .catch((err: unknown) =>
          options.log(`config revision ${config.revision} could not be applied: ${(err as Error).message}`),
        );
    },
    onExec(request, connection) {
      const exec = runExecChannel({
        client,
        request,
        cwd: options.cwd,
        env: supervisor.env,
        user: options.settings.user,
        signal: connection,
      })
        .catch((err) => options.log(`exec session ${request.sessionId} failed: ${String(err)}`))
        .finally(() => execs.delete(exec));
      execs.add(exec);
    },
  });
  return {
    session,
    uploaderDone: uploader.done,
    drain: (ms) => uploader.drain(ms),
    execsEnded: async () => {
      await Promise.allSettled(execs);
    },
  };
}

async function* once<T>(item: T): AsyncIterable<T> {
  yield item;
}
