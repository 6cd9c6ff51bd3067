import { type Deployment, DeploymentService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";

/** Pin / Unpin and the deployment's note ("known good"), editable by deployers; shown in its history. */
export function PinControl({
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
  const [draft, setDraft] = useState<string>();
  const annotate = useMutation(DeploymentService.method.annotateDeployment, {
    onSuccess: () => {
      setDraft(undefined);
      void queryClient.invalidateQueries();
    },
  });
  const denied = deniedReason(viewer?.role, "annotate");
  const save = (pinned: boolean, note: string) =>
    annotate.mutate({ app: { project, app }, seq: deployment.seq, pinned, note });
  return (
    <div className="space-y-2 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        {deployment.pinned ? <Badge tone="green">pinned</Badge> : null}
        {deployment.note && draft === undefined ? <span>“{deployment.note}”</span> : null}
        <Button
          size="sm"
          disabledReason={denied}
          disabled={annotate.isPending}
          onClick={() => save(!deployment.pinned, deployment.note)}
        >
          {deployment.pinned ? "Unpin" : "Pin"}
        </Button>
        {draft === undefined ? (
          <Button size="sm" variant="ghost" disabledReason={denied} onClick={() => setDraft(deployment.note)}>
            {deployment.note ? "Edit note" : "Add note"}
          </Button>
        ) : null}
      </div>
      {draft !== undefined ? (
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            save(deployment.pinned, draft);
          }}
        >
          <input
            aria-label="Note"
            value={draft}
            maxLength={500}
            onChange={(e) => setDraft(e.target.value)}
            className="w-72 rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          />
          <Button size="sm" type="submit" disabled={annotate.isPending}>
            Save note
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDraft(undefined)}>
            Cancel
          </Button>
        </form>
      ) : null}
      {annotate.error ? <ErrorState error={annotate.error} title="Saving failed" /> : null}
    </div>
  );
}
