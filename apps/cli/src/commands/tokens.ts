import { AuthService, Role, type TokenInfo, TokenInfoSchema, TokenKind } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { type Command, InvalidArgumentError } from "commander";
import { parseDuration } from "../config/parse-duration.js";
import { parseRole } from "../input/option-parsers.js";
import { cliJson } from "../output/cli-json.js";
import { enumName } from "../output/enum-name.js";
import { printJsonList } from "../output/print-json.js";
import { relativeTime } from "../output/relative-time.js";
import { renderTable } from "../output/table.js";
import { apiClientFor } from "./command-context.js";

function parseTtl(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000)
    throw new InvalidArgumentError(`expected a duration of at least 1s like 12h or 30d, got "${value}"`);
  return Math.round(ms / 1000);
}

/** revoked, expired or active, as of `now`. */
export function tokenStatus(t: TokenInfo, now = Date.now()): "revoked" | "expired" | "active" {
  if (t.revokedAt) return "revoked";
  if (t.expiresAt && timestampMs(t.expiresAt) <= now) return "expired";
  return "active";
}

/** `berth token create|list|revoke`: login tokens for people, runner tokens for agents. */
export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("create, list and revoke API tokens (admin)");
  token
    .command("create")
    .description("create a token; its secret is printed once")
    .requiredOption("--name <name>", "who or what it is for (shown in the audit trail)")
    .option("--role <role>", "viewer, deployer or admin (login tokens; default: deployer)", parseRole)
    .option("--runner", "a runner token for `berth runner agent` instead of a login token")
    .option(
      "--router",
      "a router token for `berth router run` (it can read the route table and nothing else)",
    )
    .option("--ttl <duration>", "lifetime, e.g. 12h or 30d (default: no expiry)", parseTtl)
    .option("--json", "print JSON (the token and its secret)")
    .action(
      async (
        flags: {
          name: string;
          role?: Role;
          runner?: boolean;
          router?: boolean;
          ttl?: number;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const role = flags.role ?? Role.DEPLOYER;
        const res = await apiClientFor(cmd)
          .client(AuthService)
          .createToken({
            kind: flags.router ? TokenKind.ROUTER : flags.runner ? TokenKind.RUNNER : TokenKind.LOGIN,
            role: flags.runner || flags.router ? Role.UNSPECIFIED : role,
            name: flags.name,
            ttlSeconds: flags.ttl ?? 0,
          });
        const info = res.token;
        if (flags.json) {
          const json = { token: info ? cliJson(TokenInfoSchema, info) : null, secret: res.secret };
          process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
          return;
        }
        const what = flags.router
          ? "router token"
          : flags.runner
            ? "runner token"
            : `${enumName(Role, role)} token`;
        process.stderr.write(
          `Created ${what} ${info?.id ?? ""} for "${flags.name}". The secret is shown only now:\n`,
        );
        process.stdout.write(`${res.secret}\n`);
      },
    );
  token
    .command("list")
    .description("tokens people and runners use (entrypoint tokens are per deployment and left out)")
    .option("--all", "include revoked, expired and entrypoint tokens")
    .option("--json", "print JSON")
    .action(async (flags: { all?: boolean; json?: boolean }, cmd: Command) => {
      const { tokens } = await apiClientFor(cmd).client(AuthService).listTokens({});
      const shown = flags.all
        ? tokens
        : tokens.filter((t) => t.kind !== TokenKind.ENTRYPOINT && tokenStatus(t) === "active");
      if (flags.json) return printJsonList(TokenInfoSchema, shown);
      if (shown.length === 0) {
        process.stdout.write("No tokens to show.\n");
        return;
      }
      const rows = shown.map((t) => [
        t.id,
        t.name,
        enumName(TokenKind, t.kind),
        t.kind === TokenKind.LOGIN ? enumName(Role, t.role) : "-",
        relativeTime(t.createdAt ? timestampMs(t.createdAt) : undefined),
        t.expiresAt ? relativeTime(timestampMs(t.expiresAt)) : "never",
        tokenStatus(t),
      ]);
      process.stdout.write(
        `${renderTable(["ID", "NAME", "KIND", "ROLE", "CREATED", "EXPIRES", "STATUS"], rows)}\n`,
      );
    });
  token
    .command("revoke")
    .description("revoke a token at once (its sessions and agents are refused from the next call)")
    .argument("<id>", "the token's id (berth token list)")
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      await apiClientFor(cmd).client(AuthService).revokeToken({ id });
      process.stdout.write(`Revoked token ${id}.\n`);
    });
}
