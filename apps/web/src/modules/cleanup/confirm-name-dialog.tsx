import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { type ReactNode, useState } from "react";

/** A destructive action's dialog: its button stays disabled until the name of what goes is typed. */
export function ConfirmNameDialog({
  open,
  title,
  name,
  action,
  pending,
  error,
  onConfirm,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  /** What must be typed. */
  name: string;
  /** The confirm button's label, e.g. "Delete web". */
  action: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const [typed, setTyped] = useState("");
  const close = () => {
    setTyped("");
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} title={title}>
      <div className="space-y-3 text-sm">
        {children}
        <label className="block">
          Type <code className="font-mono font-semibold">{name}</code> to confirm
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            className="mt-1 block w-full rounded-md border border-zinc-300 bg-transparent px-2 py-1 dark:border-zinc-700"
          />
        </label>
        {error ? <ErrorState error={error} title={`${action} failed`} /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={close}>Cancel</Button>
          <Button variant="danger" disabled={pending || typed !== name} onClick={onConfirm}>
            {pending ? "Deleting…" : action}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
