import { AuthService } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { createConnectQueryKey, useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AccessRow } from "../../modules/access/access-rows.js";

/** Revokes one way in after a confirmation: the person's calls and streams stop at once. */
export function RevokeAccessButton({ row }: { row: AccessRow }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const revoke = useMutation(AuthService.method.revokeToken, {
    onSuccess: () => {
      void queryClient.invalidateQueries({
        queryKey: createConnectQueryKey({ schema: AuthService.method.listTokens, cardinality: undefined }),
      });
      setOpen(false);
    },
  });
  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} aria-label={`Revoke ${row.who}`}>
        Revoke
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Revoke access">
        <p className="text-sm">
          End {row.who}'s {row.through === "token" ? "token" : `${row.through} sign-in`} now, with every
          session and CLI login derived from it. They can sign in again if they still have a way in.
        </p>
        {revoke.error ? <ErrorState error={revoke.error} title="Revoke failed" /> : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            variant="danger"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate({ id: row.tokenId })}
          >
            {revoke.isPending ? "Revoking…" : "Revoke"}
          </Button>
        </div>
      </Dialog>
    </>
  );
}
