import { AuthService, Role } from "@berth/proto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import type { Command } from "commander";
import { createApiTransport } from "../client/create-api-client.js";
import { saveContext } from "../contexts/context-store.js";
import { colors } from "../output/colors.js";

export const defaultServer = "http://127.0.0.1:9701";

/** "127.0.0.1:9701" → "http://127.0.0.1:9701"; trailing slashes dropped; anything else is a clear error. */
export function normalizeServer(raw: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`--server "${raw}" is not a URL; e.g. ${defaultServer}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`--server "${raw}" must be an http:// or https:// URL`);
  }
  return url.origin;
}

/** `berth login`: checks a token with WhoAmI and saves it as the current context. */
export function registerLoginCommand(program: Command): void {
  program
    .command("login")
    .description("log in to a Berth server with a token and save it as the current context")
    .option("--server <url>", "the server's API address", defaultServer)
    .option("--address <url>", "alias of --server")
    .requiredOption("--token <token>", "a login token (the server prints one on first start)")
    .option("--name <context>", "name of the saved context (default: the server's host:port)")
    .action(async (opts: { server: string; address?: string; token: string; name?: string }) => {
      const server = normalizeServer(opts.address ?? opts.server);
      const auth = createClient(AuthService, createApiTransport({ server, token: opts.token }));
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
      const name = opts.name ?? new URL(server).host;
      saveContext({ name, server, token: opts.token });
      const role = who.token ? (Role[who.token.role] ?? "").toLowerCase() : "";
      process.stdout.write(
        `Logged in to ${server} as ${colors.bold(who.token?.name ?? "?")}${role ? ` (${role})` : ""}; context "${name}" is now current.\n`,
      );
    });
}
