import { AuthService, type PersonalToken } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { invalidatePersonalTokens } from "../../api/queries/personal-tokens.js";

/** Revokes one personal token after a confirmation: whatever uses it is refused from then on. */
export function RevokeTokenButton({ token }: { token: PersonalToken }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const name = token.token?.name ?? "";
  const revoke = useMutation(AuthService.method.revokePersonalToken, {
    onSuccess: () => {
      void invalidatePersonalTokens(queryClient);
      setOpen(false);
    },
  });
  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} aria-label={`Revoke ${name}`}>
        Revoke
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Revoke token">
        <p className="text-sm">
          Revoke "{name}"{token.mine ? "" : ` of ${token.owner}`} now? Every script or CLI using it is refused
          from its next call.
        </p>
        {revoke.error ? <ErrorState error={revoke.error} title="Revoke failed" /> : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate({ id: token.token?.id ?? "" })}
          >
            {revoke.isPending ? "Revoking…" : "Revoke"}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
