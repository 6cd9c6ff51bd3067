import { parseServerAddresses } from "@berth/failover";
import { AuthService, Role } from "@berth/proto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Command } from "commander";
import { createApiTransport } from "../client/create-api-client.js";
import { readContexts, saveContext } from "../contexts/context-store.js";
import { readSecret } from "../input/read-secret.js";
import { browserLogin } from "../login/browser-login.js";
import { colors } from "../output/colors.js";
import { sanitizeText } from "../output/sanitize-text.js";

export const defaultServer = "http://127.0.0.1:9701";

/** "127.0.0.1:9701" → "http://127.0.0.1:9701"; trailing slashes dropped; anything else is a clear error. */
export function normalizeServer(raw: string, flag = "--server"): string {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${flag} "${raw}" is not a URL; e.g. ${defaultServer}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${flag} "${raw}" must be an http:// or https:// URL`);
  }
  return url.origin;
}

/** `--server a,b`: each address normalised as above, kept as one comma-separated list (tried in turn). */
export function normalizeServers(raw: string, flag = "--server"): string {
  return parseServerAddresses(raw, flag).join(",");
}

interface LoginFlags {
  server: string;
  address?: string;
  token?: string;
  code?: string;
  dashboard?: string;
  name?: string;
  web?: boolean;
}

/** Exchanges a one-time login code (RedeemLoginCode needs no token) for a login token's secret. */
async function redeemCode(server: string, code: string): Promise<string> {
  const auth = createClient(AuthService, createApiTransport({ server, token: "" }));
  try {
    return (await auth.redeemLoginCode({ code })).secret;
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code === Code.Unauthenticated || err.code === Code.InvalidArgument) {
      throw new Error(
        `login failed: the server at ${server} refused the code (${err.rawMessage}); a code works once, for 10 minutes`,
      );
    }
    throw err;
  }
}

/**
 * The token to log in with: through the browser (--web), else --code, else --token, else $BERTH_TOKEN,
 * else typed at a hidden prompt or piped in.
 */
async function loginSecret(server: string, opts: LoginFlags, dashboard: string | undefined): Promise<string> {
  if ([opts.web, opts.code, opts.token].filter(Boolean).length > 1) {
    throw new Error("give one of --web, --code or --token");
  }
  if (opts.web) {
    if (!dashboard) throw new Error("--web needs the dashboard's address: add --dashboard <url>");
    return browserLogin({ dashboard, say: (line) => process.stderr.write(`${line}\n`) });
  }
  if (opts.code) return redeemCode(server, opts.code);
  const token = opts.token || process.env.BERTH_TOKEN || (await readSecret("Token: "));
  if (!token) {
    throw new Error(
      "no token: type or paste it at the prompt, pipe it in (berth login < file), set BERTH_TOKEN, or use --code",
    );
  }
  return token;
}

/** `berth login`: checks a token (or a one-time code's token) with WhoAmI and saves it as the current context. */
export function registerLoginCommand(program: Command): void {
  program
    .command("login")
    .description(
      "log in to a Berth server and save it as the current context; the token is read from --code, " +
        "$BERTH_TOKEN, piped stdin or a hidden prompt",
    )
    .option(
      "--server <url>",
      "the server's API address, or several separated by commas (replicas; calls fail over between them)",
      defaultServer,
    )
    .option("--address <url>", "alias of --server")
    .option("--code <code>", "a one-time login code (npm start prints one), exchanged for a login token")
    .option(
      "--token <token>",
      "a login token; visible to other users in `ps`, so prefer $BERTH_TOKEN or stdin",
    )
    .option("--web", "sign in through the dashboard in your browser (your organisation's sign-in, if set up)")
    .option("--dashboard <url>", "the dashboard's address, remembered for berth login-link and --web")
    .option("--name <context>", "name of the saved context (default: the server's host:port)")
    .action(async (opts: LoginFlags) => {
      const server = normalizeServers(opts.address ?? opts.server);
      const name = opts.name ?? new URL(server.split(",")[0]!).host;
      // Logging in again keeps the dashboard address a previous login of this context remembered.
      const previous = readContexts().contexts.find((c) => c.name === name);
      const dashboard = opts.dashboard ? normalizeServer(opts.dashboard, "--dashboard") : previous?.dashboard;
      const token = await loginSecret(server, opts, dashboard);
      const auth = createClient(AuthService, createApiTransport({ server, token }));
      let who: Awaited<ReturnType<typeof auth.whoAmI>>;
      try {
        who = await auth.whoAmI({});
      } catch (e) {
        const err = ConnectError.from(e);
        if (err.code === Code.Unauthenticated) {
          throw new Error(`login failed: the server at ${server} rejected the token (${err.rawMessage})`);
        }
        throw err;
      }
      saveContext({ name, server, token, dashboard });
      const role = who.token ? (Role[who.token.role] ?? "").toLowerCase() : "";
      process.stdout.write(
        `Logged in to ${server} as ${colors.bold(sanitizeText(who.token?.name ?? "?", { keepNewlines: false }))}${role ? ` (${role})` : ""}; context "${name}" is now current.\n`,
      );
    });
}
