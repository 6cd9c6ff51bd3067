import { type AppExit, createAppSupervisor } from "./app-supervisor.js";
import { appCommand, appEnv, readEntrypointEnv } from "./entrypoint-env.js";
import { createLogBuffer } from "./log-buffer.js";
import { freePort, waitForPort } from "./port-probe.js";
import type { SessionLoop } from "./session-loop.js";

export interface RunEntrypointOptions {
  argv: string[];
  env: NodeJS.ProcessEnv;
  /** The token, when it came from elsewhere than `env` (an inherited pipe: see read-handover.ts). */
  token?: string;
  /** The app's environment, when it came from elsewhere than `env` (the handover); else `env` minus our own. */
  appEnv?: Record<string, string>;
  cwd: string;
  /** Diagnostics of the entrypoint itself (not the app's output). */
  log(message: string): void;
  /** Where the app's output is echoed when there is no server (or BERTH_ENTRYPOINT_ECHO=1). */
  echo?: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /** Called once the gRPC client's modules are loaded (connected mode). */
  onClientLoaded?(): void;
}

export interface RunningEntrypoint {
  /** Forwards a signal to the app (SIGTERM/SIGINT from the platform). */
  kill(signal: NodeJS.Signals): void;
  /** Resolves with the app's exit code once it exited and the last logs were sent (or timed out). */
  exit: Promise<number>;
}

/** Starts the app right away with the env it was given, then connects to the server outbound. */
export function runEntrypoint(options: RunEntrypointOptions): RunningEntrypoint {
  const settings = readEntrypointEnv(options.env);
  if (options.token !== undefined) settings.token = options.token;
  const command = appCommand(options.argv);
  if (command.length === 0) throw new Error("usage: berth-entrypoint -- <command> [args...]");
  const ac = new AbortController();
  const buffer = createLogBuffer();
  const connectedMode = settings.serverAddrs.length > 0;
  let session: SessionLoop | undefined;

  const supervisor = createAppSupervisor({
    command,
    cwd: options.cwd,
    env: options.appEnv ?? appEnv(options.env),
    user: settings.user,
    configRevision: settings.configRevision,
    configKeys: settings.configKeys,
    onLine(line, stream) {
      if (connectedMode) buffer.push(line, stream);
      if (settings.echo && options.echo) {
        const out = stream === "stdout" ? options.echo.stdout : options.echo.stderr;
        out.write(Buffer.concat([line.data, Buffer.from("\n")]));
      }
    },
    onStatus: (s) => session?.reportStatus(s),
    ready: (port, signal) => (port > 0 ? waitForPort(port, 30_000, signal) : Promise.resolve(true)),
    freePort,
    drainMs: settings.drainMs,
  });
  // The app starts before any connection attempt: a server that is down must not delay it.
  supervisor.start();

  // The gRPC, protobuf and API modules load after the app started: they are most of our startup time.
  const connection = connectedMode
    ? import("./connect-to-server.js").then(({ connectToServer }) => {
        options.onClientLoaded?.();
        const c = connectToServer({
          settings,
          buffer,
          supervisor,
          cwd: options.cwd,
          signal: ac.signal,
          log: options.log,
        });
        session = c.session;
        return c;
      })
    : undefined;
  connection?.catch((err) => options.log(`cannot start the connection to the server: ${String(err)}`));

  const exit = supervisor.exited.then(async (e: AppExit) => {
    // Give the last lines (often the reason it exited) a moment to reach the server.
    const c = await connection?.catch(() => undefined);
    await c?.drain(2_000);
    // Aborting also ends the exec sessions: wait for their commands to be gone (SIGKILL after 2 s at most).
    ac.abort();
    await Promise.allSettled([c?.uploaderDone, c?.session.done, c?.execsEnded()]);
    return e.code;
  });
  return { kill: (signal) => supervisor.kill(signal), exit };
}
