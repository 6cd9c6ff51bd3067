import { AuthError } from "@berth/api-client";
import { LoadingState } from "@berth/ui/states";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect } from "react";
import { useLocation } from "wouter";
import { useUrl } from "../lib/use-url.js";
import { RouteError } from "../modules/layout/route-error.js";
import { useAppServices, ViewerContext } from "./app-services.js";
import { loginPath, sessionKey } from "./session.js";

/** How often the session is asked again while the server cannot be reached. */
const unreachableRetryMs = 5_000;

/** True when the BFF could not check the session because the Berth server did not answer (502/503/504). */
function isServerUnreachable(error: unknown): boolean {
  return error instanceof AuthError && error.status >= 502 && error.status <= 504;
}

/**
 * Renders its children for a signed-in user only (providing the viewer); a signed-out user goes to the login page,
 * which brings them back here afterwards.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { auth } = useAppServices();
  const session = useQuery({
    queryKey: sessionKey,
    queryFn: ({ signal }) => auth.me(signal).then((viewer) => viewer ?? null),
    staleTime: 60_000,
    retry: false,
    refetchInterval: (query) => (isServerUnreachable(query.state.error) ? unreachableRetryMs : false),
  });
  const [path, search] = useUrl();
  const [, navigate] = useLocation();
  const signedOut = session.data === null;
  useEffect(() => {
    // Replace: Back from the login page must not land on this redirect again.
    if (signedOut) navigate(loginPath(search ? `${path}?${search}` : path), { replace: true });
  }, [signedOut, navigate, path, search]);

  // Neither the sign-in page (the session may be fine) nor the app (nothing in it would load).
  if (isServerUnreachable(session.error)) {
    return (
      <main className="mx-auto max-w-xl p-8" role="status">
        <h1 className="text-lg font-semibold">The Berth server is unreachable</h1>
        <p className="mt-2 text-sm">Retrying every few seconds; this page comes back by itself.</p>
      </main>
    );
  }
  if (session.data) return <ViewerContext.Provider value={session.data}>{children}</ViewerContext.Provider>;
  if (session.isError) return <RouteError error={session.error} />;
  return <LoadingState label="Signing in…" />;
}
