import { ProjectService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "wouter";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";
import { ConfirmNameDialog } from "./confirm-name-dialog.js";

/** Deletes an app (admins): every instance stops, its URL goes, its history stays. Then back to the project. */
export function DeleteAppButton({ project, app }: { project: string; app: string }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  const remove = useMutation(ProjectService.method.deleteApplication, {
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries();
      navigate(`/p/${project}`);
    },
  });
  return (
    <>
      <Button
        variant="ghost"
        onClick={() => setOpen(true)}
        disabledReason={deniedReason(viewer?.role, "delete")}
      >
        Delete app
      </Button>
      <ConfirmNameDialog
        open={open}
        title={`Delete ${project}/${app}`}
        name={app}
        action={`Delete ${app}`}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate({ app: { project, app } })}
        onClose={() => setOpen(false)}
      >
        <p>
          Every instance of {app} stops, its deployments are destroyed and its public URL stops answering. Its
          history and audit trail stay; a later <code>berth up</code> starts it afresh.
        </p>
      </ConfirmNameDialog>
    </>
  );
}
