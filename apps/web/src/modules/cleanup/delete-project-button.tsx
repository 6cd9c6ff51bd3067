import { ProjectService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLocation } from "wouter";
import { useViewer } from "../../app/app-services.js";
import { deniedReason } from "../auth/permissions.js";
import { ConfirmNameDialog } from "./confirm-name-dialog.js";

/** Deletes a project and every app in it (admins); history stays. Then back to the project list. */
export function DeleteProjectButton({ project }: { project: string }) {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [open, setOpen] = useState(false);
  const remove = useMutation(ProjectService.method.deleteProject, {
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries();
      navigate("/");
    },
  });
  return (
    <>
      <Button
        variant="ghost"
        onClick={() => setOpen(true)}
        disabledReason={deniedReason(viewer?.role, "delete")}
      >
        Delete project
      </Button>
      <ConfirmNameDialog
        open={open}
        title={`Delete project ${project}`}
        name={project}
        action={`Delete ${project}`}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate({ name: project })}
        onClose={() => setOpen(false)}
      >
        <p>
          Every app of {project} is deleted: all instances stop and their URLs stop answering. History and the
          audit trail stay.
        </p>
      </ConfirmNameDialog>
    </>
  );
}
