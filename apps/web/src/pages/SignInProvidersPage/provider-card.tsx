import type { OidcProvider } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { Dialog } from "@berth/ui/dialog";
import { ErrorState } from "@berth/ui/states";
import { useState } from "react";
import {
  useDeleteOidcProvider,
  useDisableOidcProvider,
  useEnableOidcProvider,
  useSetOidcProviderRules,
  useTestOidcProvider,
} from "../../api/queries/oidc-providers.js";
import {
  describeRule,
  draftProblems,
  draftsFromRules,
  rulesFromDrafts,
} from "../../modules/sign-in-providers/rule-drafts.js";
import { ProviderFormDialog } from "./provider-form-dialog.js";
import { ProviderSignIns } from "./provider-sign-ins.js";
import { RulesEditor } from "./rules-editor.js";
import { TestResult } from "./test-result.js";

/** One stored provider: its settings and rules, Test, Disable/Enable, Edit, Edit rules, Delete, who signed in. */
export function ProviderCard({
  provider,
  callbackBase,
  offered,
}: {
  provider: OidcProvider;
  callbackBase: string;
  /** Whether the login page offers it now (an enabled one is not when the BFF cannot read the server's). */
  offered: boolean;
}) {
  const test = useTestOidcProvider();
  const disable = useDisableOidcProvider();
  const enable = useEnableOidcProvider();
  const remove = useDeleteOidcProvider();
  const setRules = useSetOidcProviderRules();
  const [editing, setEditing] = useState(false);
  const [rules, setRuleDrafts] = useState<ReturnType<typeof draftsFromRules> | undefined>();
  const [deleting, setDeleting] = useState(false);
  const [showSignIns, setShowSignIns] = useState(false);
  const name = provider.displayName;
  const failed = disable.error ?? enable.error ?? test.error;

  return (
    <section aria-label={name} className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">{name}</h2>
        <code className="text-xs text-zinc-500">{provider.id}</code>
        <Badge tone={provider.enabled ? "green" : "zinc"}>{provider.enabled ? "enabled" : "disabled"}</Badge>
        <div className="ml-auto flex flex-wrap gap-1">
          <Button
            size="sm"
            disabled={test.isPending}
            onClick={() => test.mutate({ id: provider.id })}
            aria-label={`Test ${name}`}
          >
            {test.isPending ? "Testing…" : "Test"}
          </Button>
          <Button size="sm" onClick={() => setEditing(true)} aria-label={`Edit ${name}`}>
            Edit
          </Button>
          <Button
            size="sm"
            onClick={() => setRuleDrafts(draftsFromRules(provider.rules))}
            aria-label={`Edit rules of ${name}`}
          >
            Edit rules
          </Button>
          {provider.enabled ? (
            <Button
              size="sm"
              disabled={disable.isPending}
              onClick={() => disable.mutate({ id: provider.id })}
              aria-label={`Disable ${name}`}
            >
              Disable
            </Button>
          ) : (
            <Button
              size="sm"
              disabled={enable.isPending}
              onClick={() => enable.mutate({ id: provider.id })}
              aria-label={`Enable ${name}`}
            >
              Enable
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={() => setDeleting(true)} aria-label={`Delete ${name}`}>
            Delete
          </Button>
        </div>
      </div>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-0.5 text-sm">
        <dt className="text-zinc-500">Issuer</dt>
        <dd className="break-all">{provider.issuer}</dd>
        <dt className="text-zinc-500">Client ID</dt>
        <dd className="break-all">{provider.clientId}</dd>
        <dt className="text-zinc-500">Client secret</dt>
        <dd>{provider.clientSecretSet ? "set" : "not set"}</dd>
        <dt className="text-zinc-500">Scopes</dt>
        <dd>{provider.scopes.join(" ")}</dd>
        <dt className="text-zinc-500">Rules</dt>
        <dd>
          <ol className="list-decimal pl-5" aria-label={`Rules of ${name}`}>
            {draftsFromRules(provider.rules).map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a rule's identity is its place in the order.
              <li key={i}>{describeRule(r)}</li>
            ))}
          </ol>
        </dd>
      </dl>
      {provider.enabled && !offered ? (
        <p className="mt-2 text-sm text-amber-700 dark:text-amber-400">
          Not on the login page: the dashboard backend reads providers with its own admin token
          (BERTH_BFF_SERVICE_TOKEN), and has none, or a provider in its OIDC file has this id.
        </p>
      ) : null}
      {test.data ? <TestResult result={test.data} /> : null}
      {failed ? <ErrorState error={failed} /> : null}
      <Button
        size="sm"
        variant="ghost"
        className="mt-2"
        onClick={() => setShowSignIns((s) => !s)}
        aria-expanded={showSignIns}
      >
        {showSignIns ? "Hide who signed in" : "Who signed in"}
      </Button>
      {showSignIns ? <ProviderSignIns id={provider.id} name={name} /> : null}

      {editing ? (
        <ProviderFormDialog
          open
          onClose={() => setEditing(false)}
          existing={provider}
          callbackBase={callbackBase}
        />
      ) : null}
      <Dialog
        open={rules !== undefined}
        onClose={() => setRuleDrafts(undefined)}
        title={`Rules of ${name}`}
        wide
      >
        <RulesEditor rules={rules ?? []} onChange={setRuleDrafts} />
        {setRules.error ? <ErrorState error={setRules.error} title="Rules not saved" /> : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setRuleDrafts(undefined)}>Cancel</Button>
          <Button
            variant="primary"
            disabled={setRules.isPending || !rules?.length || draftProblems(rules).some(Boolean)}
            onClick={() =>
              setRules.mutate(
                { id: provider.id, rules: rulesFromDrafts(rules ?? []) },
                { onSuccess: () => setRuleDrafts(undefined) },
              )
            }
          >
            {setRules.isPending ? "Saving…" : "Save rules"}
          </Button>
        </div>
      </Dialog>
      <Dialog open={deleting} onClose={() => setDeleting(false)} title={`Delete ${name}`}>
        <p className="text-sm">
          Nobody can sign in through {name} any more. Sessions it started keep running until they expire or
          are revoked on the Users page.
        </p>
        {remove.error ? <ErrorState error={remove.error} title="Not deleted" /> : null}
        <div className="mt-4 flex justify-end gap-2">
          <Button onClick={() => setDeleting(false)}>Cancel</Button>
          <Button
            variant="danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ id: provider.id })}
          >
            {remove.isPending ? "Deleting…" : "Delete"}
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
