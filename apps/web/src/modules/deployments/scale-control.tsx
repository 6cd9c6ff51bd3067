import { type Deployment, DeploymentService, DeploymentStatus } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";

/** The most instances a deployment may have; the server refuses more (InvalidArgument naming `count`). */
const maxCount = 100;

/** Why `text` is no instance count, or undefined. */
export function countProblem(text: string): string | undefined {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0 || n > maxCount)
    return `An instance count is a whole number from 0 to ${maxCount}.`;
  return undefined;
}

/** Changes a running deployment's instance count without a redeploy (deployers; logged and audited). */
export function ScaleControl({
  project,
  app,
  deployment,
}: {
  project: string;
  app: string;
  deployment: Deployment;
}) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(String(deployment.instanceCount));
  const scale = useMutation(DeploymentService.method.scaleDeployment, {
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const running =
    deployment.status === DeploymentStatus.HEALTHY || deployment.status === DeploymentStatus.UNHEALTHY;
  if (!running) return null;
  const problem = countProblem(draft);
  const unchanged = !problem && Number(draft) === deployment.instanceCount;
  return (
    <form
      className="mb-3 flex flex-wrap items-center gap-2 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (!problem) scale.mutate({ app: { project, app }, seq: deployment.seq, count: Number(draft) });
      }}
    >
      <label className="flex items-center gap-2">
        Instances
        <input
          type="number"
          min={0}
          max={maxCount}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          aria-invalid={problem ? true : undefined}
          className="w-20 rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
        />
      </label>
      <Button
        size="sm"
        type="submit"
        disabledReason={deniedReason(viewer?.role, "scale") ?? problem}
        disabled={scale.isPending || unchanged}
      >
        {scale.isPending ? "Scaling…" : "Scale"}
      </Button>
      {problem ? <span className="text-red-600 dark:text-red-400">{problem}</span> : null}
      {scale.error ? <ErrorState error={scale.error} title="Scaling failed" /> : null}
    </form>
  );
}
