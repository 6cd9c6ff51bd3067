import { ReleaseService } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";

/** How often to ask again while the server is not answering. */
const retryEveryMs = 2000;

/**
 * The app's newest release, fetched fresh when `enabled` (after a release whose outcome is unknown) and asked
 * again every few seconds until the server answers.
 */
export function useLatestRelease(project: string, app: string, enabled: boolean) {
  const query = useQuery(
    ReleaseService.method.listReleases,
    { app: { project, app }, pageSize: 1 },
    {
      enabled,
      staleTime: 0,
      refetchOnMount: "always",
      refetchInterval: (q) => (q.state.error ? retryEveryMs : false),
    },
  );
  return { release: query.data?.releases[0], isLoading: query.isLoading, error: query.error };
}
