import { Button } from "@berth/ui/button";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { lazy, Suspense, useState } from "react";
import { useParams } from "wouter";
import { useReleasedDeployment } from "../../api/queries/applications.js";
import { useDeploymentBySeq, useInstances } from "../../api/queries/deployments.js";
import { useViewer } from "../../app/app-services.js";
import { DeploymentPicker } from "../../components/deployment-picker.js";
import { parseVersion } from "../../lib/format.js";
import { useSearchParams } from "../../lib/use-search-params.js";
import { deniedReason } from "../../modules/auth/permissions.js";
import type { TerminalStatus } from "../../modules/terminal/terminal-status.js";

// xterm.js (~90 KB gzipped) loads only when a terminal opens.
const XtermTerminal = lazy(() => import("../../modules/terminal/xterm-terminal.js"));

const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** A browser terminal into a running instance: pick deployment, instance and command, then connect. */
export function TerminalPage() {
  const { project, app } = useParams() as { project: string; app: string };
  const viewer = useViewer();
  const [params, setParams] = useSearchParams();
  const { released, isLoading } = useReleasedDeployment(project, app);
  const seq = parseVersion(params.get("deployment") ?? undefined) ?? released?.seq;
  const deployment = useDeploymentBySeq(project, app, seq ?? 0);
  const dep = seq ? deployment.data?.deployment : undefined;
  const instances = useInstances(dep?.id);
  const [instanceId, setInstanceId] = useState("");
  const [command, setCommand] = useState("sh");
  const [session, setSession] = useState<{ id: number; command: string; instanceId: string }>();
  const [status, setStatus] = useState<TerminalStatus>({ state: "connecting" });
  const denied = deniedReason(viewer?.role, "exec");
  const connect = () =>
    setSession((s) => ({ id: (s?.id ?? 0) + 1, command: command.trim() || "sh", instanceId }));

  return (
    <div className="flex h-[calc(100vh-12rem)] min-h-96 flex-col gap-2">
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          connect();
        }}
      >
        <DeploymentPicker
          project={project}
          app={app}
          value={seq}
          onChange={(s) => {
            setSession(undefined);
            setParams((p) => {
              const next = new URLSearchParams(p);
              next.set("deployment", `v${s}`);
              return next;
            });
          }}
        />
        <select
          aria-label="Instance"
          value={instanceId}
          onChange={(e) => setInstanceId(e.target.value)}
          className={control}
        >
          <option value="">Any running instance</option>
          {(instances.data?.instances ?? []).map((i) => (
            <option key={i.id} value={i.id}>
              {i.id}
            </option>
          ))}
        </select>
        <input
          aria-label="Command"
          data-testid="terminal-command"
          value={command}
          onChange={(e) => setCommand(e.target.value)}
          placeholder="sh"
          className={`${control} w-56 font-mono`}
        />
        <Button
          type="submit"
          variant="primary"
          disabledReason={denied ?? (dep ? undefined : "Choose a deployment first")}
        >
          {session ? "Reconnect" : "Connect"}
        </Button>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          This session is audited: who, which instance, when and the exit code.
        </span>
      </form>
      {!seq && isLoading ? <LoadingState /> : null}
      {!seq && !isLoading ? <EmptyState title="Choose a deployment to open a terminal in" /> : null}
      {deployment.error ? (
        <ErrorState error={deployment.error} onRetry={() => void deployment.refetch()} />
      ) : null}
      {session && dep ? (
        <>
          <TerminalBanner status={status} onReconnect={connect} />
          <div className="min-h-0 flex-1">
            <Suspense fallback={<LoadingState label="Loading terminal…" />}>
              <XtermTerminal
                key={session.id}
                deploymentId={dep.id}
                instanceId={session.instanceId || undefined}
                command={session.command}
                onStatus={setStatus}
              />
            </Suspense>
          </div>
        </>
      ) : dep && !denied ? (
        <EmptyState title={`Open a terminal in ${app} v${dep.seq}`}>
          Runs <code>{command || "sh"}</code> in a real PTY with the app's working directory, env and config.
        </EmptyState>
      ) : null}
    </div>
  );
}

function TerminalBanner({ status, onReconnect }: { status: TerminalStatus; onReconnect: () => void }) {
  if (status.state === "connecting")
    return (
      <p role="status" className="text-sm text-zinc-500 dark:text-zinc-400">
        Connecting…
      </p>
    );
  if (status.state === "running")
    return (
      <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
        Connected{status.instanceId ? ` to instance ${status.instanceId}` : ""}.
      </p>
    );
  const text =
    status.state === "exited"
      ? `The command exited with code ${status.code}${status.signal ? ` (${status.signal})` : ""}.`
      : status.state === "closed"
        ? `Disconnected: ${status.reason}.`
        : `Error: ${status.message}`;
  return (
    <div
      role="alert"
      data-testid="terminal-exit"
      className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm ${status.state === "exited" && status.code === 0 ? "bg-zinc-100 dark:bg-zinc-800" : "bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200"}`}
    >
      {text}
      {status.state === "closed" && /signed out/.test(status.reason) ? (
        <a
          href={`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`}
          className="underline"
        >
          Sign in
        </a>
      ) : (
        <Button size="sm" onClick={onReconnect}>
          Reconnect
        </Button>
      )}
    </div>
  );
}
