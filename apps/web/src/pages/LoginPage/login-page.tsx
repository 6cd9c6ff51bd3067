import { AuthError } from "@berth/api-client";
import { safeNext } from "@berth/connect-guards/safe-next";
import { Button } from "@berth/ui/button";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useLocation } from "wouter";
import { useSignInProviders } from "../../api/queries/sign-in-providers.js";
import { useAppServices } from "../../app/app-services.js";
import { sessionKey } from "../../app/session.js";
import { useSearchParams } from "../../lib/use-search-params.js";

/** Paste a login token; the BFF turns it into an httpOnly session cookie. */
export function LoginPage() {
  const { auth } = useAppServices();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [params] = useSearchParams();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const providers = useSignInProviders();
  const next = safeNext(params.get("next"));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const viewer = await auth.login(token.trim());
      queryClient.setQueryData(sessionKey, viewer ?? null);
      await queryClient.invalidateQueries({ queryKey: sessionKey });
      // The BFF's own pages (the CLI's browser sign-in) are not SPA routes: load them for real.
      if (next.startsWith("/auth/")) window.location.assign(next);
      else navigate(next, { replace: true });
    } catch (err) {
      setError(
        err instanceof AuthError && err.status === 401
          ? "That token was not accepted. Check it is a login token that has not been revoked."
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <form
        onSubmit={submit}
        aria-label="Sign in"
        className="w-full max-w-sm rounded-xl border border-zinc-200 p-6 shadow-sm dark:border-zinc-800"
      >
        <div className="mb-4 flex items-center gap-2">
          <img src="/favicon.svg" alt="" className="h-7 w-7" />
          <h1 className="text-lg font-semibold">Sign in to Berth</h1>
        </div>
        {providers.length > 0 ? (
          <section aria-label="Sign in with your organisation" className="mb-4 flex flex-col gap-2">
            {providers.map((p) => (
              // A plain link: the BFF sends the browser on to the provider and back.
              <a
                key={p.id}
                href={`${p.signInUrl}?next=${encodeURIComponent(next)}`}
                className="rounded-md border border-zinc-300 px-3 py-2 text-center text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
              >
                Sign in with {p.displayName}
              </a>
            ))}
          </section>
        ) : null}
        <section aria-label="Sign in with a link" className="mb-4 text-sm">
          <p>
            Get a one-time sign-in link: run <code>berth login-link</code> with a CLI signed in as an admin,
            then open the link it prints in this browser.
          </p>
          <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
            The quickstart prints a <code>berth login --server … --code …</code> line that signs a CLI in.
          </p>
        </section>
        <label htmlFor="login-token" className="mb-1 block text-sm font-medium">
          Login token
        </label>
        <input
          id="login-token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          data-testid="login-token"
          className="w-full rounded-md border border-zinc-300 bg-transparent px-3 py-2 font-mono text-sm dark:border-zinc-700"
        />
        <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          Or paste a login token: the server prints one at first start. It is kept by the dashboard's backend,
          never in this page.
        </p>
        {error ? (
          <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        ) : null}
        <Button
          type="submit"
          variant="primary"
          className="mt-4 w-full justify-center"
          disabled={busy || !token.trim()}
        >
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </main>
  );
}
