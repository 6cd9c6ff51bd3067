import { OidcProviderService } from "@berth/proto";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { createConnectQueryKey, useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { signInProvidersKey } from "./sign-in-providers.js";

const keyOf = (schema: DescMethodUnary) => createConnectQueryKey({ schema, cardinality: undefined });

/** The providers the server stores (admins only), disabled ones included. */
export function useOidcProviders(enabled: boolean) {
  return useQuery(OidcProviderService.method.listOidcProviders, {}, { enabled });
}

/** The people who signed in through one provider, most recently seen first. */
export function useOidcSignIns(id: string) {
  return useQuery(OidcProviderService.method.listOidcProviderSignIns, { id });
}

/** A mutation of the providers: afterwards the list and the login page's buttons are read again. */
function useProviderMutation<M extends DescMethodUnary>(method: M) {
  const queryClient = useQueryClient();
  return useMutation(method, {
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keyOf(OidcProviderService.method.listOidcProviders) });
      void queryClient.invalidateQueries({ queryKey: signInProvidersKey });
    },
  });
}

export const useCreateOidcProvider = () => useProviderMutation(OidcProviderService.method.createOidcProvider);
export const useUpdateOidcProvider = () => useProviderMutation(OidcProviderService.method.updateOidcProvider);
export const useSetOidcProviderRules = () =>
  useProviderMutation(OidcProviderService.method.setOidcProviderRules);
export const useDisableOidcProvider = () =>
  useProviderMutation(OidcProviderService.method.disableOidcProvider);
export const useEnableOidcProvider = () => useProviderMutation(OidcProviderService.method.enableOidcProvider);
export const useDeleteOidcProvider = () => useProviderMutation(OidcProviderService.method.deleteOidcProvider);

/** Runs discovery against a provider's issuer; changes nothing, so nothing is read again. */
export function useTestOidcProvider() {
  return useMutation(OidcProviderService.method.testOidcProvider);
}
