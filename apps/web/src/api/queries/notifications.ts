import { NotificationService } from "@berth/proto";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { createConnectQueryKey, useMutation, useQuery } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";

/** Every cached page of a notification listing, whatever its input. */
const keyOf = (schema: DescMethodUnary) => createConnectQueryKey({ schema, cardinality: undefined });

/** A project's notification subscriptions. */
export function useSubscriptions(project: string) {
  return useQuery(NotificationService.method.listNotificationSubscriptions, { project });
}

/** The project's delivery log, newest first; polled while a delivery waits for its next attempt. */
export function useDeliveries(project: string) {
  return useQuery(
    NotificationService.method.listNotificationDeliveries,
    { project, pageSize: 50 },
    { refetchInterval: (q) => (q.state.data?.deliveries.some((d) => d.nextAttemptAt) ? 2000 : false) },
  );
}

/** Adds a subscription; the response carries the signing secret, shown once. */
export function useCreateSubscription() {
  const queryClient = useQueryClient();
  return useMutation(NotificationService.method.createNotificationSubscription, {
    onSuccess: () =>
      void queryClient.invalidateQueries({
        queryKey: keyOf(NotificationService.method.listNotificationSubscriptions),
      }),
  });
}

/** Removes a subscription with its delivery log. */
export function useDeleteSubscription() {
  const queryClient = useQueryClient();
  return useMutation(NotificationService.method.deleteNotificationSubscription, {
    onSuccess: () => {
      void queryClient.invalidateQueries({
        queryKey: keyOf(NotificationService.method.listNotificationSubscriptions),
      });
      void queryClient.invalidateQueries({
        queryKey: keyOf(NotificationService.method.listNotificationDeliveries),
      });
    },
  });
}

/** Sends a delivery again. */
export function useRedeliver() {
  const queryClient = useQueryClient();
  return useMutation(NotificationService.method.redeliverNotification, {
    onSuccess: () =>
      void queryClient.invalidateQueries({
        queryKey: keyOf(NotificationService.method.listNotificationDeliveries),
      }),
  });
}
