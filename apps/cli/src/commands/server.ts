import { homedir } from "node:os";
import { join } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { parsePort } from "../input/option-parsers.js";
import { colors } from "../output/colors.js";

interface ServerRunFlags {
  dataDir?: string;
  appsDir?: string;
  appUser?: string;
  port?: number;
  routerPort?: number;
  router?: "embedded" | "none";
  host?: string;
  store?: string;
  printTokenJson?: boolean;
  stopAppsOnExit?: boolean;
}

/** `berth server run`: runs a server in the foreground until Ctrl-C. */
export function registerServerCommand(program: Command): void {
  const server = program.command("server").description("run the Berth server");
  server
    .command("run")
    .description("start the server (API on --port, URL router on --router-port) until Ctrl-C")
    .option(
      "--data-dir <dir>",
      "where the store, artifacts and logs live (default: $BERTH_DATA_DIR or ~/.berth/data)",
    )
    .option(
      "--apps-dir <dir>",
      "where apps are unpacked and run (default: $BERTH_APPS_DIR or <data-dir>-apps)",
    )
    .option(
      "--app-user <name>",
      "user apps run as when the server is root (default: $BERTH_APP_USER or berth-app)",
    )
    .option("--port <port>", "API port (gRPC, gRPC-Web and Connect)", parsePort)
    .option("--router-port <port>", "URL router port (the port app URLs name)", parsePort)
    .option(
      "--router <mode>",
      "embedded: serve app URLs from this process; none: leave it to `berth router run` processes",
      (value: string) => {
        if (value !== "embedded" && value !== "none")
          throw new InvalidArgumentError("must be embedded or none");
        return value;
      },
    )
    .option("--host <host>", "address to listen on")
    .option(
      "--store <url>",
      "catalog database: postgres://user:password@host:5432/db (default: $BERTH_STORE, else SQLite in the data dir)",
    )
    .option(
      "--print-token-json",
      "put the bootstrap token in the JSON ready line on stdout too (for scripts that start a fresh server)",
    )
    .option(
      "--stop-apps-on-exit",
      "stop every app instance when the server stops (development); by default apps keep serving and the next start re-adopts them",
    )
    .action(async (opts: ServerRunFlags) => {
      // Signal handlers go in before anything else: a signal that arrives before Node has a listener kills the
      // process outright, and a script may send one as soon as it reads the ready line.
      const out = process.stderr;
      let stopSignal: NodeJS.Signals | undefined;
      let wake: () => void = () => {};
      const stopRequested = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopSignal) {
          out.write(`${signal} again: exiting without waiting\n`);
          process.exit(1);
        }
        stopSignal = signal;
        wake();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);

      // A server outlives whoever reads its stdout: a closed pipe there must not stop it (other commands exit).
      process.stdout.removeAllListeners("error");
      process.stdout.on("error", () => {});

      // Loaded here so other commands do not pay for the server's modules.
      const { defaultServerOptions, parseDrainMs, startServer } = await import("@berth/server");
      const dataDir = opts.dataDir ?? process.env.BERTH_DATA_DIR ?? join(homedir(), ".berth", "data");
      const defaults = defaultServerOptions(dataDir);
      // Everything the server creates is its own unless made otherwise (deployments go to the app user).
      process.umask(0o077);
      const running = await startServer({
        ...defaults,
        appsDir: opts.appsDir ?? (process.env.BERTH_APPS_DIR || defaults.appsDir),
        appUser: opts.appUser ?? (process.env.BERTH_APP_USER || defaults.appUser),
        host: opts.host ?? defaults.host,
        apiPort: opts.port ?? defaults.apiPort,
        routerPort: opts.routerPort ?? defaults.routerPort,
        router: opts.router ?? defaults.router,
        stopAppsOnExit: opts.stopAppsOnExit === true,
        drainMs: parseDrainMs(process.env.BERTH_DRAIN_MS, defaults.drainMs),
        store: opts.store || process.env.BERTH_STORE || undefined,
      });
      out.write(`\n${colors.bold("Berth server")} listening on ${running.apiUrl} (data in ${dataDir})\n`);
      if (opts.router === "none")
        out.write(`App URLs name port ${running.routerPort}: run \`berth router run\` there\n`);
      else if (running.routerPort) out.write(`URL router on port ${running.routerPort}\n`);
      if (running.bootstrapToken) {
        out.write(
          `\nBootstrap admin token (shown only this once; store it now):\n\n  ${colors.bold(running.bootstrapToken)}\n\n` +
            `Log in with (paste the token at its prompt):\n\n  berth login --server ${running.apiUrl}\n\n`,
        );
      }
      // One machine-readable line for scripts and tests that start the server as a child process. The token
      // goes in only when asked: stdout is often a log file or a CI transcript.
      const bootstrapToken = opts.printTokenJson ? running.bootstrapToken : undefined;
      process.stdout.write(
        `${JSON.stringify({ event: "ready", apiUrl: running.apiUrl, apiPort: running.apiPort, routerPort: running.routerPort, bootstrapToken })}\n`,
      );

      await stopRequested;
      out.write(
        `\n${stopSignal}: stopping (in-flight requests get a few seconds; ${opts.stopAppsOnExit ? "apps stop too" : "apps keep running"})…\n`,
      );
      await running.close();
    });
}
