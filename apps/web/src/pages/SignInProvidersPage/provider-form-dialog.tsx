import type { OidcProvider } from "@berth/proto";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { type FormEvent, useState } from "react";
import { useCreateOidcProvider, useUpdateOidcProvider } from "../../api/queries/oidc-providers.js";
import {
  draftProblems,
  emptyRule,
  type RuleDraft,
  rulesFromDrafts,
} from "../../modules/sign-in-providers/rule-drafts.js";
import { RulesEditor } from "./rules-editor.js";

const input =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * Adds a provider (with its rules), or changes one's settings. The client secret is write-only: an
 * existing provider shows it as "set" with a Replace action; leaving it alone keeps the stored one.
 */
export function ProviderFormDialog({
  open,
  onClose,
  existing,
  callbackBase,
}: {
  open: boolean;
  onClose: () => void;
  existing?: OidcProvider;
  /** This dashboard's origin, for the callback URL to register at the provider. */
  callbackBase: string;
}) {
  const create = useCreateOidcProvider();
  const update = useUpdateOidcProvider();
  const [id, setId] = useState(existing?.id ?? "");
  const [displayName, setDisplayName] = useState(existing?.displayName ?? "");
  const [issuer, setIssuer] = useState(existing?.issuer ?? "");
  const [clientId, setClientId] = useState(existing?.clientId ?? "");
  const [secret, setSecret] = useState("");
  const [replacing, setReplacing] = useState(!existing);
  const [scopes, setScopes] = useState((existing?.scopes ?? ["openid", "email", "profile"]).join(" "));
  const [groupsClaim, setGroupsClaim] = useState(existing?.groupsClaim ?? "groups");
  const [rules, setRules] = useState<RuleDraft[]>([{ ...emptyRule(), role: "deployer" }]);
  const mutation = existing ? update : create;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const settings = {
      displayName,
      issuer,
      clientId,
      scopes: scopes.split(/\s+/).filter(Boolean),
      groupsClaim,
    };
    const done = { onSuccess: onClose };
    if (existing) update.mutate({ id: existing.id, settings, clientSecret: replacing ? secret : "" }, done);
    else create.mutate({ id, settings, clientSecret: secret, rules: rulesFromDrafts(rules) }, done);
  };
  const rulesOk = existing || (rules.length > 0 && draftProblems(rules).every((p) => p === ""));

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={existing ? `Edit ${existing.displayName}` : "Add a sign-in provider"}
      wide
    >
      <form onSubmit={submit} className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="text-sm">
            Provider id
            <input
              className={input}
              value={existing?.id ?? id}
              disabled={Boolean(existing)}
              onChange={(e) => setId(e.target.value)}
              placeholder="keycloak"
              required
            />
          </label>
          <label className="text-sm">
            Display name
            <input
              className={input}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              placeholder="Acme SSO"
              required
            />
          </label>
          <label className="text-sm sm:col-span-2">
            Issuer URL
            <input
              className={input}
              value={issuer}
              onChange={(e) => setIssuer(e.target.value)}
              placeholder="https://id.acme.com/realms/acme"
              required
            />
          </label>
          <label className="text-sm">
            Client ID
            <input
              className={input}
              value={clientId}
              onChange={(e) => setClientId(e.target.value)}
              required
            />
          </label>
          {replacing ? (
            <label className="text-sm">
              Client secret
              <input
                className={input}
                type="password"
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                required
              />
            </label>
          ) : (
            <div className="text-sm">
              Client secret
              <p className="mt-1 flex items-center gap-2">
                <span className="text-zinc-500">set</span>
                <Button size="sm" onClick={() => setReplacing(true)}>
                  Replace secret
                </Button>
              </p>
            </div>
          )}
          <label className="text-sm">
            Scopes
            <input className={input} value={scopes} onChange={(e) => setScopes(e.target.value)} />
          </label>
          <label className="text-sm">
            Groups claim
            <input className={input} value={groupsClaim} onChange={(e) => setGroupsClaim(e.target.value)} />
          </label>
        </div>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Register the redirect URI{" "}
          <code className="break-all">{`${callbackBase}/auth/oidc/${existing?.id ?? (id || "<id>")}/callback`}</code>{" "}
          at the provider. The secret is stored by the server and never shown again.
        </p>
        {existing ? null : <RulesEditor rules={rules} onChange={setRules} />}
        {mutation.error ? <ErrorState error={mutation.error} title="Not saved" /> : null}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={mutation.isPending || !rulesOk}>
            {mutation.isPending ? "Saving…" : existing ? "Save" : "Add provider"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
