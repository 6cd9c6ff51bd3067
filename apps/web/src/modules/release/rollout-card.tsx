import { type Rollout, RolloutService, type RolloutSide, RolloutState } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useViewer } from "../../app/app-services.js";
import { ShaChip } from "../../components/sha-chip.js";
import { enumWord } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";
import { deniedReason } from "../auth/permissions.js";
import { useRolloutStream } from "./use-rollout-stream.js";

const stateTone: Record<RolloutState, "green" | "amber" | "red" | "zinc" | "indigo"> = {
  [RolloutState.UNSPECIFIED]: "zinc",
  [RolloutState.RUNNING]: "indigo",
  [RolloutState.COMPLETED]: "green",
  [RolloutState.ABORTED]: "red",
  [RolloutState.SUPERSEDED]: "amber",
};

/** A 5xx share as text: "0.0%" (or "–" before any request). */
export function errorRate(side: RolloutSide | undefined): string {
  const requests = Number(side?.metrics?.requests ?? 0);
  if (requests === 0) return "–";
  return `${((100 * Number(side?.metrics?.errors5xx ?? 0)) / requests).toFixed(1)}%`;
}

const ms = (v: number | undefined) => (v ? `${v.toFixed(1)} ms` : "–");

function SideRow({ label, side }: { label: string; side: RolloutSide | undefined }) {
  return (
    <tr className="border-t border-zinc-200 dark:border-zinc-800">
      <th scope="row" className="py-1 pr-3 text-left font-medium">
        {label}
      </th>
      <td className="pr-3">
        v{side?.seq} <ShaChip git={side?.git} />
      </td>
      <td className="pr-3 tabular-nums">{side?.weight ?? 0}%</td>
      <td className="pr-3 tabular-nums">{Number(side?.metrics?.requests ?? 0)}</td>
      <td className="pr-3 tabular-nums">{errorRate(side)}</td>
      <td className="pr-3 tabular-nums">{ms(side?.metrics?.p50Ms)}</td>
      <td className="tabular-nums">{ms(side?.metrics?.p95Ms)}</td>
    </tr>
  );
}

function RolloutBody({ project, app, rollout }: { project: string; app: string; rollout: Rollout }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries();
  const advance = useMutation(RolloutService.method.advanceRollout, { onSettled: refresh });
  const abort = useMutation(RolloutService.method.abortRollout, { onSettled: refresh });
  const complete = useMutation(RolloutService.method.completeRollout, { onSettled: refresh });
  const running = rollout.state === RolloutState.RUNNING;
  const pending = advance.isPending || abort.isPending || complete.isPending;
  const error = advance.error ?? abort.error ?? complete.error;
  const denied = deniedReason(viewer?.role, "release");
  const ref = { app: { project, app } };
  return (
    <div className="space-y-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={stateTone[rollout.state]}>{enumWord(RolloutState, rollout.state)}</Badge>
        <span>
          v{rollout.canary?.seq} in steps{" "}
          {rollout.steps.map((w, i) => (
            <span
              key={w}
              className={i === rollout.step ? "font-semibold" : "text-zinc-500 dark:text-zinc-400"}
            >
              {i > 0 ? " → " : ""}
              {w}%
            </span>
          ))}
        </span>
        {running && rollout.nextStepAt ? (
          <span className="text-zinc-500 dark:text-zinc-400">
            next step <RelativeTime ms={tsMs(rollout.nextStepAt)} />
          </span>
        ) : null}
        {running && !rollout.nextStepAt ? (
          <span className="text-zinc-500 dark:text-zinc-400">steps when you advance</span>
        ) : null}
      </div>
      <table className="w-full text-sm" aria-label="Baseline and canary side by side">
        <thead className="text-left text-xs text-zinc-500 dark:text-zinc-400">
          <tr>
            <th scope="col" />
            <th scope="col">Version</th>
            <th scope="col">Traffic</th>
            <th scope="col">Requests (this step)</th>
            <th scope="col">5xx</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          <SideRow label="Baseline" side={rollout.baseline} />
          <SideRow label="Canary" side={rollout.canary} />
        </tbody>
      </table>
      {rollout.endReason ? (
        <p className="text-zinc-600 dark:text-zinc-400" data-testid="rollout-end-reason">
          Ended: {rollout.endReason}
        </p>
      ) : null}
      {running ? (
        <div className="flex flex-wrap gap-2">
          <Button
            variant="primary"
            disabled={pending}
            disabledReason={denied}
            onClick={() => advance.mutate(ref)}
          >
            Advance
          </Button>
          <Button disabled={pending} disabledReason={denied} onClick={() => complete.mutate(ref)}>
            Complete
          </Button>
          <Button
            variant="danger"
            disabled={pending}
            disabledReason={denied}
            onClick={() => abort.mutate(ref)}
          >
            Abort
          </Button>
        </div>
      ) : null}
      {error ? <ErrorState error={error} title="The rollout did not move" /> : null}
    </div>
  );
}

/** The app's progressive release, live: both sides' traffic, errors and latency, and Advance / Complete / Abort. */
export function RolloutCard({ project, app }: { project: string; app: string }) {
  const { rollout, loaded, error } = useRolloutStream(project, app);
  // Nothing to show until an app has had a rollout: the card stays out of the way.
  if (!loaded && !error) return null;
  if (!rollout && !error) return null;
  return (
    <Card title="Progressive release">
      {error && !rollout ? <ErrorState error={error} title="Cannot follow the rollout" /> : null}
      {rollout ? <RolloutBody project={project} app={app} rollout={rollout} /> : null}
      {error && rollout ? (
        <p className="mt-2 text-xs text-amber-700 dark:text-amber-400">Reconnecting to the live numbers…</p>
      ) : null}
    </Card>
  );
}
