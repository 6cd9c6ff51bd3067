import { readFileSync } from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { parseServerAddresses } from "@berth/failover";
import { type Command, InvalidArgumentError } from "commander";
import { parsePort } from "../input/option-parsers.js";
import { colors } from "../output/colors.js";

interface RouterRunFlags {
  server?: string;
  tokenFile?: string;
  port?: number;
  host?: string;
  name?: string;
  stateDir?: string;
  engine?: "node" | "haproxy";
}

/** The router token: from --token-file or BERTH_ROUTER_TOKEN (never a flag: flags show in `ps`). */
function routerToken(flags: RouterRunFlags): string {
  if (flags.tokenFile) {
    const token = readFileSync(flags.tokenFile, "utf8").trim();
    if (!token) throw new InvalidArgumentError(`--token-file ${flags.tokenFile}: the file is empty`);
    return token;
  }
  const token = process.env.BERTH_ROUTER_TOKEN?.trim();
  if (!token)
    throw new InvalidArgumentError(
      "no router token: set BERTH_ROUTER_TOKEN or pass --token-file (create one with `berth token create --router --name <router>`)",
    );
  return token;
}

/** `berth router run`: a URL router apart from the server, serving app hosts through server outages. */
export function registerRouterCommand(program: Command): void {
  const router = program.command("router").description("run a URL router apart from the server");
  router
    .command("run")
    .description(
      "serve app URLs from the server's route table until Ctrl-C (keeps serving while the server is down)",
    )
    .option(
      "--server <urls>",
      "the server's API, or several separated by commas, tried in turn (default: $BERTH_SERVER or http://127.0.0.1:9701)",
    )
    .option("--token-file <path>", "file holding a router token (default: $BERTH_ROUTER_TOKEN)")
    .option("--port <port>", "port to serve app URLs on (default 9702)", parsePort)
    .option("--host <host>", "address to listen on (default 127.0.0.1)")
    .option("--name <name>", "names this router in the server's logs (default: the host name)")
    .option(
      "--state-dir <dir>",
      "where the last route table is kept between runs (default: $BERTH_ROUTER_STATE_DIR or ~/.berth/router)",
    )
    .option(
      "--engine <engine>",
      "node: Berth's proxy; haproxy: Debian's haproxy serves, driven without reloads (default: $BERTH_ROUTER_ENGINE or node)",
      (value: string) => {
        if (value !== "node" && value !== "haproxy")
          throw new InvalidArgumentError("must be node or haproxy");
        return value;
      },
    )
    .action(async (flags: RouterRunFlags) => {
      const out = process.stderr;
      let wake: (signal: NodeJS.Signals) => void = () => {};
      const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
        wake = resolve;
      });
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(1);
        stopping = true;
        wake(signal);
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      process.stdout.removeAllListeners("error");
      process.stdout.on("error", () => {});

      const token = routerToken(flags);
      const serverUrls = flags.server
        ? parseServerAddresses(flags.server, "--server")
        : parseServerAddresses(process.env.BERTH_SERVER || "http://127.0.0.1:9701", "BERTH_SERVER");
      const stateDir =
        flags.stateDir ?? process.env.BERTH_ROUTER_STATE_DIR ?? join(homedir(), ".berth", "router");
      const engineName = flags.engine ?? process.env.BERTH_ROUTER_ENGINE ?? "node";
      if (engineName !== "node" && engineName !== "haproxy")
        throw new InvalidArgumentError(`BERTH_ROUTER_ENGINE: must be node or haproxy, got "${engineName}"`);
      const { startRouter } = await import("@berth/router");
      process.umask(0o077);
      const running = await startRouter({
        source: {
          serverUrls,
          token,
          name: (flags.name ?? hostname()).slice(0, 64).replace(/[^A-Za-z0-9._-]/g, "-"),
        },
        host: flags.host ?? "127.0.0.1",
        port: flags.port ?? 9702,
        snapshotPath: join(stateDir, "routes.snapshot"),
        engine:
          engineName === "haproxy"
            ? { use: "haproxy", haproxyDir: join(stateDir, "haproxy") }
            : { use: "node" },
        log: (message) => out.write(`router: ${message}\n`),
      });
      out.write(
        `${colors.bold("Berth router")} (${engineName}) serving app URLs on port ${running.port} (routes from ${serverUrls.join(", ")})\n`,
      );
      process.stdout.write(`${JSON.stringify({ event: "ready", port: running.port })}\n`);
      const signal = await stopRequested;
      out.write(`${signal}: stopping (requests in flight get 5 seconds)…\n`);
      await running.close(5_000);
    });
}
