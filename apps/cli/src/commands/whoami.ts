import { AuthService, Role, TokenInfoSchema, TokenKind } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { cliJson } from "../output/cli-json.js";
import { colors } from "../output/colors.js";
import { relativeTime } from "../output/relative-time.js";
import { sanitizeText } from "../output/sanitize-text.js";
import { apiClientFor } from "./command-context.js";

/** `berth whoami`: who the current context's token is to the server (name, role, identity, expiry). */
export function registerWhoamiCommand(program: Command): Command {
  return program
    .command("whoami")
    .description("show who the current context is signed in as: token, role, identity and expiry")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const api = apiClientFor(cmd);
      const { token } = await api.client(AuthService).whoAmI({});
      if (!token) throw new Error(`the server at ${api.context.server} answered WhoAmI without a token`);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(cliJson(TokenInfoSchema, token), null, 2)}\n`);
        return;
      }
      // Names and identities come from people and providers: printed inert.
      const inert = (s: string) => sanitizeText(s, { keepNewlines: false });
      const kind = (TokenKind[token.kind] ?? "").replace(/^TOKEN_KIND_/, "").toLowerCase();
      const role = (Role[token.role] ?? "").replace(/^ROLE_/, "").toLowerCase();
      const lines = [
        `${colors.bold(inert(token.name))} (${[kind, role].filter((w) => w && w !== "unspecified").join(", ")})`,
        `  server    ${api.context.server} (context "${inert(api.context.name)}")`,
      ];
      const id = token.identity;
      if (id)
        lines.push(
          `  identity  ${inert(id.email || id.subject)} via ${inert(id.provider)}` +
            (id.groups.length ? ` (groups: ${id.groups.map(inert).join(", ")})` : ""),
        );
      const expires = token.expiresAt ? timestampMs(token.expiresAt) : undefined;
      lines.push(
        `  expires   ${expires ? `${new Date(expires).toISOString()} (${relativeTime(expires)})` : "never"}`,
      );
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
