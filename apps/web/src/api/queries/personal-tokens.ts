import { AuthService } from "@berth/proto";
import { createConnectQueryKey } from "@connectrpc/connect-query";
import type { QueryClient } from "@tanstack/react-query";

/** Refetches every personal-token listing (mine and everyone's) after a token is made or revoked. */
export function invalidatePersonalTokens(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({
    queryKey: createConnectQueryKey({
      schema: AuthService.method.listPersonalTokens,
      cardinality: undefined,
    }),
  });
}
