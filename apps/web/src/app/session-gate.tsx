import { LoadingState } from "@berth/ui/states";
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useEffect } from "react";
import { useLocation } from "wouter";
import { useUrl } from "../lib/use-url.js";
import { RouteError } from "../modules/layout/route-error.js";
import { useAppServices, ViewerContext } from "./app-services.js";
import { loginPath, sessionKey } from "./session.js";

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
  });
  const [path, search] = useUrl();
  const [, navigate] = useLocation();
  const signedOut = session.data === null;
  useEffect(() => {
    // Replace: Back from the login page must not land on this redirect again.
    if (signedOut) navigate(loginPath(search ? `${path}?${search}` : path), { replace: true });
  }, [signedOut, navigate, path, search]);

  if (session.data) return <ViewerContext.Provider value={session.data}>{children}</ViewerContext.Provider>;
  if (session.isError) return <RouteError error={session.error} />;
  return <LoadingState label="Signing in…" />;
}
