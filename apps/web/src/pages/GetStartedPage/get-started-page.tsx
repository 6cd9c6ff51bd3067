import { AuthService, DashboardService, ProjectService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { RelativeTime } from "@berth/ui/relative-time";
import { ErrorState, LoadingState } from "@berth/ui/states";
import { useMutation, useQuery } from "@connectrpc/connect-query";
import { Link } from "wouter";
import { useViewer } from "../../app/app-services.js";
import { tsMs } from "../../lib/proto-time.js";
import { setupCommands } from "../../modules/cli/setup-commands.js";
import { CommandBlock } from "./command-block.js";

/**
 * Get started: the `berth` CLI installed and logged in by copying three commands. The login command carries a
 * one-time code minted on request for the signed-in person (their role, 5 minutes, one use), so nothing
 * long-lived is ever on screen.
 */
export function GetStartedPage() {
  const viewer = useViewer();
  const setup = useQuery(DashboardService.method.getCliSetup, {});
  const mint = useMutation(AuthService.method.createOwnLoginCode);
  // A project to try `berth status` on; none yet reads it from the berth.hcl where the command runs.
  const project = useQuery(ProjectService.method.listProjects, {}).data?.projects[0]?.name;
  const code = mint.data?.code;
  const expiresMs = tsMs(mint.data?.expiresAt);
  const commands = setup.data
    ? setupCommands({ serverUrl: setup.data.serverUrl, dashboardUrl: window.location.origin, code, project })
    : undefined;
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Get started</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Set up the <code>berth</code> command line as {viewer?.name ?? "you"} ({viewer?.role ?? "…"}): it
          ships apps with <code>berth up</code>, tails logs and opens terminals like this dashboard.
        </p>
      </div>
      {setup.isPending ? <LoadingState label="Loading the server's address…" /> : null}
      {setup.error ? <ErrorState error={setup.error} onRetry={() => void setup.refetch()} /> : null}
      {commands ? (
        <ol className="space-y-6">
          <li className="space-y-2">
            <h2 className="font-medium">1. Install the CLI</h2>
            <p className="text-sm">In a clone of the Berth repository (Node 20 or later):</p>
            <CommandBlock label="Install command" command={commands.install} />
          </li>
          <li className="space-y-2">
            <h2 className="font-medium">2. Log in</h2>
            <p className="text-sm">
              A login code works once, for 5 minutes, and gives the CLI a token with your role. It is listed
              with your{" "}
              <Link to="/tokens" className="text-indigo-600 hover:underline dark:text-indigo-400">
                personal tokens
              </Link>
              , where you can revoke it.
            </p>
            <Button variant="primary" disabled={mint.isPending} onClick={() => mint.mutate({})}>
              {mint.isPending ? "Creating…" : code ? "Create a new login code" : "Create a login code"}
            </Button>
            {mint.error ? <ErrorState error={mint.error} title="No login code was created" /> : null}
            <CommandBlock label="Login command" command={commands.login} />
            {code && expiresMs ? (
              <p className="text-xs text-zinc-500 dark:text-zinc-400" role="status">
                The code expires <RelativeTime ms={expiresMs} /> and works once.
              </p>
            ) : null}
          </li>
          <li className="space-y-2">
            <h2 className="font-medium">3. Check it works</h2>
            <p className="text-sm">
              It lists {project ? `${project}'s` : "a project's"} apps, what each serves and its instances'
              health
              {project ? "" : " (run it in an app's directory, next to its berth.hcl)"}.
            </p>
            <CommandBlock label="Status command" command={commands.check} />
            <p className="text-sm">
              For CI and scripts, make a{" "}
              <Link to="/tokens" className="text-indigo-600 hover:underline dark:text-indigo-400">
                personal token
              </Link>{" "}
              with an expiry instead and give it as <code>BERTH_TOKEN</code>.
            </p>
          </li>
        </ol>
      ) : null}
    </div>
  );
}
