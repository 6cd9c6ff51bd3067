import { AuthService, Role } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { CopyButton } from "@berth/ui/copy-button";
import { ErrorState } from "@berth/ui/states";
import { useMutation } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { invalidatePersonalTokens } from "../../api/queries/personal-tokens.js";
import { useViewer } from "../../app/app-services.js";
import { grantableRoles, tokenLifetimes } from "../../modules/access/token-lifetimes.js";

const roleEnum = { viewer: Role.VIEWER, deployer: Role.DEPLOYER, admin: Role.ADMIN } as const;
const fieldClass = "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700";

/** Makes a personal token (name, role up to one's own, expiry) and shows its secret once. */
export function CreateTokenForm() {
  const viewer = useViewer();
  const queryClient = useQueryClient();
  const roles = grantableRoles(viewer?.role);
  const [name, setName] = useState("");
  const [role, setRole] = useState<keyof typeof roleEnum>("viewer");
  const [seconds, setSeconds] = useState(tokenLifetimes[2]!.seconds);
  const create = useMutation(AuthService.method.createPersonalToken, {
    onSuccess: () => void invalidatePersonalTokens(queryClient),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name: name.trim(), role: roleEnum[role], ttlSeconds: seconds });
  };
  const secret = create.data?.secret;
  return (
    <div className="space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <h2 className="font-medium">New personal token</h2>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            required
            placeholder="ci, laptop…"
            className={fieldClass}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Role
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as typeof role)}
            className={fieldClass}
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Expires after
          <select value={seconds} onChange={(e) => setSeconds(Number(e.target.value))} className={fieldClass}>
            {tokenLifetimes.map((l) => (
              <option key={l.seconds} value={l.seconds}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <Button
          type="submit"
          variant="primary"
          disabledReason={name.trim() ? undefined : "Give it a name first"}
          disabled={create.isPending}
        >
          {create.isPending ? "Creating…" : "Create token"}
        </Button>
      </form>
      {create.error ? <ErrorState error={create.error} title="No token was created" /> : null}
      {secret ? (
        <div role="status" className="space-y-1 rounded-md bg-emerald-50 p-3 text-sm dark:bg-emerald-950/40">
          <p className="font-medium">
            Token "{create.data?.token?.token?.name}" created. Copy it now: it is not shown again.
          </p>
          <div className="flex items-center gap-2">
            <output aria-label="New token" className="font-mono text-xs break-all select-all">
              {secret}
            </output>
            <CopyButton value={secret} label="Copy the new token" />
          </div>
          <Button variant="ghost" onClick={() => create.reset()}>
            Done
          </Button>
        </div>
      ) : null}
    </div>
  );
}
