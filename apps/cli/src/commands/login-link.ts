import { AuthService, Role } from "@berth/proto";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "commander";
import { rememberDashboard } from "../contexts/context-store.js";
import { parseRole } from "../input/option-parsers.js";
import { apiClientFor } from "./command-context.js";
import { normalizeServer } from "./login.js";

interface LoginLinkFlags {
  dashboard?: string;
  role?: Role;
  name?: string;
}

/** `berth login-link` (admin): prints a one-time link that signs a browser in to the dashboard. */
export function registerLoginLinkCommand(program: Command): void {
  program
    .command("login-link")
    .description("print a one-time link that signs a browser in to the dashboard (admin; valid 10 minutes)")
    .option("--dashboard <url>", "the dashboard's address (default: the one berth login remembered)")
    .option("--role <role>", "viewer, deployer or admin (default: admin)", parseRole)
    .option("--name <name>", "who the link is for (shown in the audit trail)")
    .action(async (flags: LoginLinkFlags, cmd: Command) => {
      const api = apiClientFor(cmd);
      const dashboard = flags.dashboard
        ? normalizeServer(flags.dashboard, "--dashboard")
        : api.context.dashboard;
      if (!dashboard) {
        throw new Error(
          `the dashboard's address is not known for context "${api.context.name}": pass --dashboard <url> ` +
            "(it is remembered), e.g. --dashboard http://localhost:9700",
        );
      }
      const res = await api.client(AuthService).createLoginCode({
        role: flags.role ?? Role.ADMIN,
        name: flags.name ?? "dashboard sign-in link",
      });
      // Remember a newly given address for next time (a saved context only; BERTH_SERVER/BERTH_TOKEN are not).
      if (dashboard !== api.context.dashboard) rememberDashboard(api.context.name, dashboard);
      const minutes = res.expiresAt ? Math.round((timestampMs(res.expiresAt) - Date.now()) / 60_000) : 10;
      process.stderr.write(`One-time sign-in link (works once, for ${minutes} minutes):\n`);
      process.stdout.write(`${dashboard}/auth/magic/${res.code}\n`);
    });
}
