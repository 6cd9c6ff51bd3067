import { type Deployment, DeploymentStatus, ReleaseService, RolloutService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { CommitsBetween } from "./commits-between.js";
import { ConfigChangeList, useConfigDiff } from "./config-diff.js";
import { isOutcomeUnknown } from "./outcome-unknown.js";
import { OutcomeUnknownNotice } from "./outcome-unknown-notice.js";
import { artifactSizeChange, changeScope, releaseHeadline, versionLabel } from "./release-summary.js";
import { parseStepList } from "./rollout-steps-input.js";

export interface ReleaseDialogProps {
  mode: "release" | "rollback";
  open: boolean;
  onClose: () => void;
  project: string;
  app: string;
  /** The deployment that will serve the app's URL. */
  target: Deployment;
  /** The deployment serving it now, if any. */
  current: Deployment | undefined;
}

/** Confirms a release or rollback, naming exactly what changes, then runs it and shows progress. */
export function ReleaseDialog({ mode, open, onClose, project, app, target, current }: ReleaseDialogProps) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const [canary, setCanary] = useState(100);
  const [force, setForce] = useState(false);
  const [progressive, setProgressive] = useState(false);
  const [stepsText, setStepsText] = useState("10,50,100");
  const [intervalSeconds, setIntervalSeconds] = useState(0);
  const [abortMargin, setAbortMargin] = useState(5);
  const diff = useConfigDiff(project, app, current?.configRevision ?? 0, target.configRevision);
  const onSuccess = () => {
    // The event stream updates the page too; this makes it immediate for the person who clicked.
    void queryClient.invalidateQueries();
    onClose();
  };
  // A dropped connection may hide a release that happened: refresh the page's data either way.
  const onError = () => void queryClient.invalidateQueries();
  const release = useMutation(ReleaseService.method.release, { onSuccess, onError });
  const rollback = useMutation(ReleaseService.method.rollback, { onSuccess, onError });
  const rollout = useMutation(RolloutService.method.startRollout, { onSuccess, onError });
  const pending = release.isPending || rollback.isPending || rollout.isPending;
  const error = release.error ?? rollback.error ?? rollout.error;
  const steps = parseStepList(stepsText);
  const stepwise = mode === "release" && !!current && progressive;
  const unknownOutcome = error ? isOutcomeUnknown(error) : false;
  const unhealthy = target.status !== DeploymentStatus.HEALTHY;
  const canaryPercent = mode === "release" && canary < 100 ? canary : 0;
  const headline = releaseHeadline(app, current, target, canaryPercent);
  const verb =
    mode === "rollback"
      ? `Roll back to v${target.seq}`
      : stepwise
        ? `Start rollout of v${target.seq}`
        : canaryPercent
          ? `Send ${canary}% to v${target.seq}`
          : `Release v${target.seq}`;

  const confirm = () => {
    if (mode === "rollback") rollback.mutate({ app: { project, app }, reason });
    else if (stepwise && steps.ok)
      rollout.mutate({
        app: { project, app },
        deploymentId: target.id,
        steps: steps.steps,
        intervalSeconds,
        autoAbort: { maxErrorRateMarginPercent: abortMargin, minRequests: 100 },
        reason,
      });
    else
      release.mutate({
        app: { project, app },
        deploymentId: target.id,
        canaryPercent,
        force: unhealthy && force,
        reason,
      });
  };

  return (
    <Dialog open={open} onClose={onClose} title={mode === "rollback" ? "Roll back" : "Release"} wide>
      <p data-testid="release-summary" className="font-mono text-sm font-medium">
        {headline}
      </p>
      <dl className="mt-3 grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-zinc-500 dark:text-zinc-400">Changes</dt>
        <dd>{changeScope(current, target, diff.data?.changes)}</dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Commit</dt>
        <dd className="min-w-0">
          {current?.git?.sha ? (
            <span className="block truncate" title={current.git.message}>
              serving now: {versionLabel(current)} {current.git.message.split("\n")[0]}
            </span>
          ) : null}
          <span className="block truncate" title={target.git?.message}>
            after: {versionLabel(target)} {target.git?.message.split("\n")[0]}
          </span>
          {current ? (
            <div className="mt-1">
              <CommitsBetween project={project} app={app} fromSeq={current.seq} toSeq={target.seq} />
            </div>
          ) : null}
        </dd>
        <dt className="text-zinc-500 dark:text-zinc-400">Artifact</dt>
        <dd>{artifactSizeChange(current?.artifactSizeBytes, target.artifactSizeBytes)}</dd>
      </dl>
      <div className="mt-3">
        <h3 className="mb-1 text-sm font-medium">Config differences</h3>
        {diff.isLoading ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Comparing config…</p>
        ) : null}
        {diff.error ? (
          <p className="text-sm text-red-600">Could not compare config: {diff.error.rawMessage}</p>
        ) : null}
        {diff.data ? <ConfigChangeList changes={diff.data.changes} /> : null}
        {!current || current.configRevision === target.configRevision ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Same config revision.</p>
        ) : null}
      </div>
      {mode === "release" && current ? (
        <label className="mt-4 flex items-center gap-2 text-sm">
          <input type="checkbox" checked={progressive} onChange={(e) => setProgressive(e.target.checked)} />
          Progressive: in steps, with live metrics and Abort
        </label>
      ) : null}
      {stepwise ? (
        <div className="mt-2 grid grid-cols-[10rem_1fr] items-center gap-x-3 gap-y-2 text-sm">
          <label htmlFor="rollout-steps">Steps (% to v{target.seq})</label>
          <div>
            <input
              id="rollout-steps"
              type="text"
              value={stepsText}
              onChange={(e) => setStepsText(e.target.value)}
              aria-invalid={!steps.ok}
              className="block w-full rounded-md border border-zinc-300 bg-transparent px-2 py-1 font-mono dark:border-zinc-700"
            />
            {!steps.ok ? <p className="mt-1 text-xs text-red-600">{steps.problem}</p> : null}
          </div>
          <label htmlFor="rollout-interval">Next step</label>
          <select
            id="rollout-interval"
            value={intervalSeconds}
            onChange={(e) => setIntervalSeconds(Number(e.target.value))}
            className="rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          >
            <option value={0}>when I advance it</option>
            <option value={60}>every minute</option>
            <option value={300}>every 5 minutes</option>
            <option value={900}>every 15 minutes</option>
          </select>
          <label htmlFor="rollout-abort">
            Auto-abort when its 5xx rate exceeds v{current?.seq}'s by (points)
          </label>
          <input
            id="rollout-abort"
            type="number"
            min={0}
            max={100}
            value={abortMargin}
            onChange={(e) => setAbortMargin(Math.max(0, Math.min(100, Number(e.target.value) || 0)))}
            className="w-24 rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          />
        </div>
      ) : null}
      {mode === "release" && current && !stepwise ? (
        <label className="mt-4 block text-sm">
          <span className="font-medium">
            Traffic to v{target.seq}: {canary}%
          </span>
          <input
            type="range"
            min={1}
            max={100}
            value={canary}
            onChange={(e) => setCanary(Number(e.target.value))}
            aria-label="Canary traffic percentage"
            className="mt-1 block w-full"
          />
          <span className="text-xs text-zinc-500 dark:text-zinc-400">
            Below 100% is a canary: the rest stays on v{current.seq}.
          </span>
        </label>
      ) : null}
      {unhealthy && mode === "release" ? (
        <label className="mt-3 flex items-center gap-2 text-sm text-amber-700 dark:text-amber-400">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />v{target.seq}{" "}
          is not healthy; release it anyway
        </label>
      ) : null}
      <label className="mt-3 block text-sm">
        <span className="font-medium">Reason (optional, recorded in the audit log)</span>
        <input
          type="text"
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className="mt-1 block w-full rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
        />
      </label>
      {error ? (
        <div className="mt-3">
          {unknownOutcome ? (
            <OutcomeUnknownNotice project={project} app={app} what={mode} />
          ) : (
            <ErrorState error={error} title={`${verb} failed`} />
          )}
        </div>
      ) : null}
      <div className="mt-4 flex justify-end gap-2">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant={mode === "rollback" ? "danger" : "primary"}
          onClick={confirm}
          disabled={pending || (unhealthy && mode === "release" && !force) || (stepwise && !steps.ok)}
          data-testid="release-confirm"
        >
          {pending ? (mode === "rollback" ? "Rolling back…" : "Releasing…") : verb}
        </Button>
      </div>
    </Dialog>
  );
}
