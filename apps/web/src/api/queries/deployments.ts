import { DeploymentService, type DeploymentStatus } from "@berth/proto";
import { useInfiniteQuery, useQuery } from "@connectrpc/connect-query";
import { toHistoryFilter } from "../../modules/history/history-search-params.js";

/** Rows per server page of history lists. */
export const historyPageSize = 100;

/** The ListDeployments request for a history view (shared by the page and its route's prefetch). */
export function deploymentHistoryInput(
  project: string,
  app: string,
  q: string,
  statuses: DeploymentStatus[],
) {
  const filter = toHistoryFilter(q);
  return {
    app: { project, app },
    ...(filter ? { filter } : {}),
    ...(statuses.length ? { statuses } : {}),
    pageSize: historyPageSize,
    pageToken: "",
  };
}

/** How history lists page: by the server's opaque page token. */
export const historyPaging = {
  pageParamKey: "pageToken",
  getNextPageParam: (res: { nextPageToken: string }) => res.nextPageToken || undefined,
} as const;

/** The app's deployment history, newest first, paged by the server's page tokens. */
export function useDeploymentHistory(project: string, app: string, q: string, statuses: DeploymentStatus[]) {
  return useInfiniteQuery(
    DeploymentService.method.listDeployments,
    deploymentHistoryInput(project, app, q, statuses),
    historyPaging,
  );
}

/** One deployment by its app and vN. */
export function useDeploymentBySeq(project: string, app: string, seq: number) {
  return useQuery(
    DeploymentService.method.getDeployment,
    { app: { project, app }, seq },
    { enabled: seq > 0 },
  );
}

/** The commits between two deployments of an app (vN → vM), from the history `berth up` recorded. */
export function useCommitsBetween(project: string, app: string, fromSeq: number, toSeq: number) {
  return useQuery(
    DeploymentService.method.listCommitsBetween,
    { app: { project, app }, fromSeq, toSeq },
    { enabled: fromSeq > 0 && toSeq > 0 },
  );
}

/** A deployment's instances; kept live by instance events. */
export function useInstances(deploymentId: string | undefined) {
  return useQuery(
    DeploymentService.method.listInstances,
    { deploymentId: deploymentId ?? "" },
    { enabled: Boolean(deploymentId) },
  );
}
