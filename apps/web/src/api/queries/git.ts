import { GitService } from "@berth/proto";
import { createConnectQueryKey, useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";

/** Whether the project has a webhook secret, and the endpoint's path. */
export function useWebhook(project: string) {
  return useQuery(GitService.method.getWebhook, { project });
}

/** What forges sent to the project's webhook, newest first. */
export function useWebhookDeliveries(project: string) {
  return useQuery(GitService.method.listWebhookDeliveries, { project, pageSize: 50 });
}

/** The app's open previews, one per pull request (kept current by the event stream). */
export function usePreviews(project: string, app: string) {
  return useQuery(GitService.method.listPreviews, { project, app });
}

/** Makes (or replaces) the webhook secret; the response carries it, shown once. */
export function useCreateWebhookSecret() {
  const queryClient = useQueryClient();
  return useMutation(GitService.method.createWebhookSecret, {
    onSuccess: () =>
      void queryClient.invalidateQueries({
        queryKey: createConnectQueryKey({ schema: GitService.method.getWebhook, cardinality: undefined }),
      }),
  });
}

/** Builds a commit of the app's git source on the server, deploys it and maybe releases it. */
export function useDeployCommit() {
  return useMutation(GitService.method.deployCommit);
}
