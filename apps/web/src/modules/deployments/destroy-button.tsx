import { type Deployment, DeploymentService, DeploymentStatus } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";
import { versionLabel } from "../release/release-summary.js";

/** Stops a deployment's instances after a confirmation; refused (and disabled) for the released one. */
export function DestroyButton({ app, deployment }: { app: string; deployment: Deployment }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const destroy = useMutation(DeploymentService.method.destroyDeployment, {
    onSuccess: () => {
      void queryClient.invalidateQueries();
      setOpen(false);
    },
  });
  if (deployment.status === DeploymentStatus.DESTROYED) return null;
  const reason = deployment.released
    ? "The released deployment cannot be destroyed: release another one or roll back first, or delete the app."
    : deniedReason(viewer?.role, "destroy");
  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} disabledReason={reason}>
        Destroy
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Destroy deployment">
        <p className="text-sm">
          Stop every instance of {app} {versionLabel(deployment)}. Its history stays; its URL stops answering.
        </p>
        {destroy.error ? <ErrorState error={destroy.error} title="Destroy failed" /> : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            disabled={destroy.isPending}
            onClick={() => destroy.mutate({ deploymentId: deployment.id })}
          >
            {destroy.isPending ? "Destroying…" : `Destroy v${deployment.seq}`}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
