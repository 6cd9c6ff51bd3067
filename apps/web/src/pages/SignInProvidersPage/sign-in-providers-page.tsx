import { Button } from "@berth/ui/button";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useState } from "react";
import { useOidcProviders } from "../../api/queries/oidc-providers.js";
import { useSignInProviders } from "../../api/queries/sign-in-providers.js";
import { useViewer } from "../../app/app-services.js";
import { ProviderCard } from "./provider-card.js";
import { ProviderFormDialog } from "./provider-form-dialog.js";

/**
 * Settings → Sign-in providers (admins): the OIDC providers people sign in with. Those stored by the
 * server are managed here; those from the BFF's file are shown read-only.
 */
export function SignInProvidersPage() {
  const viewer = useViewer();
  const admin = viewer?.role === "admin";
  const { data, error, isPending, refetch } = useOidcProviders(admin);
  const offered = useSignInProviders();
  const fromFile = offered.filter((p) => p.source === "file");
  const [adding, setAdding] = useState(false);
  if (!admin) {
    return (
      <EmptyState title="Only admins manage sign-in providers">Ask an admin to add or change one.</EmptyState>
    );
  }
  const callbackBase = window.location.origin;
  return (
    <div className="space-y-4">
      <div className="flex items-center gap-2">
        <h1 className="text-xl font-semibold">Sign-in providers</h1>
        <Button variant="primary" className="ml-auto" onClick={() => setAdding(true)}>
          Add provider
        </Button>
      </div>
      {isPending ? <LoadingState label="Loading sign-in providers…" /> : null}
      {error ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {data && data.providers.length === 0 && fromFile.length === 0 ? (
        <EmptyState title="No sign-in providers yet">
          Add your identity provider (Keycloak, Google, Authentik, GitHub through Dex…) so people sign in with
          it instead of a token.
        </EmptyState>
      ) : null}
      {data?.providers.map((p) => (
        <ProviderCard
          key={p.id}
          provider={p}
          callbackBase={callbackBase}
          offered={offered.some((o) => o.id === p.id && o.source === "server")}
        />
      ))}
      {fromFile.length > 0 ? (
        <section
          aria-label="Providers from the OIDC file"
          className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800"
        >
          <h2 className="font-semibold">From the BFF's file</h2>
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            Configured in BERTH_OIDC_CONFIG; change them there and restart the dashboard backend.
          </p>
          <ul className="mt-2 text-sm">
            {fromFile.map((p) => (
              <li key={p.id}>
                {p.displayName} <code className="text-xs text-zinc-500">{p.id}</code>{" "}
                <span className="text-zinc-500">(from file)</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {adding ? (
        <ProviderFormDialog open onClose={() => setAdding(false)} callbackBase={callbackBase} />
      ) : null}
    </div>
  );
}
