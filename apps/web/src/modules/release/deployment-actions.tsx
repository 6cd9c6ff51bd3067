import type { Deployment } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { useState } from "react";
import { Link } from "wouter";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";
import { ReleaseDialog } from "./release-dialog.js";
import { useRollbackTarget } from "./use-rollback-target.js";

const linkClass =
  "inline-flex items-center rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";

/**
 * Release / Roll back / Logs / Terminal / Compare for one deployment, each disabled with the reason when the
 * user's role may not use it. `current` is the deployment the app serves now.
 */
export function DeploymentActions({
  project,
  app,
  deployment,
  current,
  extra,
}: {
  project: string;
  app: string;
  deployment: Deployment;
  current: Deployment | undefined;
  extra?: React.ReactNode;
}) {
  const viewer = useViewer();
  const [dialog, setDialog] = useState<"release" | "rollback">();
  const isReleased = deployment.released || current?.id === deployment.id;
  const rollback = useRollbackTarget(project, app, current?.id);
  const base = `/p/${project}/a/${app}`;
  const rollbackTarget = rollback.target;
  // Roll back shows on the released deployment only: elsewhere it would open the same dialog as Release.
  const showRollback = rollbackTarget && isReleased;
  // Compare the released deployment with the one before it (what a rollback returns to), anything else with
  // the released one: never a deployment with itself.
  const compareBase = isReleased ? (rollbackTarget?.seq ?? deployment.seq - 1) : (current?.seq ?? 0);
  return (
    <div className="flex flex-wrap items-center gap-2">
      {!isReleased ? (
        <Button
          variant="primary"
          onClick={() => setDialog("release")}
          disabledReason={deniedReason(viewer?.role, "release")}
        >
          Release
        </Button>
      ) : null}
      {showRollback ? (
        <Button
          variant="secondary"
          onClick={() => setDialog("rollback")}
          disabledReason={deniedReason(viewer?.role, "rollback")}
          title={`Release v${rollbackTarget.seq} again`}
        >
          Roll back
        </Button>
      ) : null}
      <Link className={linkClass} to={`${base}/logs?deployment=v${deployment.seq}`}>
        Logs
      </Link>
      <Link className={linkClass} to={`${base}/terminal?deployment=v${deployment.seq}`}>
        Terminal
      </Link>
      {compareBase > 0 && compareBase !== deployment.seq ? (
        <Link className={linkClass} to={`${base}/compare?a=v${compareBase}&b=v${deployment.seq}`}>
          Compare
        </Link>
      ) : null}
      {extra}
      {deniedReason(viewer?.role, "release") ? (
        <p className="w-full text-xs text-zinc-500 dark:text-zinc-400">
          {deniedReason(viewer?.role, "release")}
        </p>
      ) : null}
      {dialog === "release" ? (
        <ReleaseDialog
          mode="release"
          open
          onClose={() => setDialog(undefined)}
          project={project}
          app={app}
          target={deployment}
          current={current}
        />
      ) : null}
      {dialog === "rollback" && rollbackTarget ? (
        <ReleaseDialog
          mode="rollback"
          open
          onClose={() => setDialog(undefined)}
          project={project}
          app={app}
          target={rollbackTarget}
          current={current}
        />
      ) : null}
    </div>
  );
}
