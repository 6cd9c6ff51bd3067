import { useQuery } from "@tanstack/react-query";
import { useAppServices } from "../../app/app-services.js";

/** The sign-in providers query's key: a BFF endpoint, not an RPC, so hand-written like the session's. */
export const signInProvidersKey = ["berth", "sign-in-providers"] as const;

/** The OIDC providers the login page offers; none while loading or when the BFF cannot say. */
export function useSignInProviders() {
  const { auth } = useAppServices();
  const query = useQuery({
    queryKey: signInProvidersKey,
    queryFn: ({ signal }) => auth.providers(signal),
    staleTime: 5 * 60_000,
  });
  return query.data ?? [];
}
