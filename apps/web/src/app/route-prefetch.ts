import { DashboardService, DeploymentService, ProjectService } from "@berth/proto";
import type { Transport } from "@connectrpc/connect";
import { createInfiniteQueryOptions, createQueryOptions } from "@connectrpc/connect-query";
import type { QueryClient } from "@tanstack/react-query";
import { deploymentHistoryInput, historyPaging } from "../api/queries/deployments.js";
import { parseVersion } from "../lib/format.js";
import { parseHistorySearch } from "../modules/history/history-search-params.js";

/** What a route knows when it matches: its path's params and the URL's query. */
interface RouteMatch {
  params: Partial<Record<string, string>>;
  search: URLSearchParams;
}

type Prefetch = (match: RouteMatch) => void;

/** The routes that start their data early. */
export type PrefetchName = "overview" | "deployments" | "deployment";

/**
 * Prefetches that start a page's main query while its code chunk downloads (no fetch-after-render waterfall).
 * They never block rendering: the page shows its own loading and error states. Inputs match the pages' hooks,
 * so the page finds the data under the same connect-query key.
 */
export function createRoutePrefetch(queryClient: QueryClient, transport: Transport) {
  const appRef = (params: RouteMatch["params"]) => ({
    project: params.project ?? "",
    app: params.app ?? "",
  });
  const overview: Prefetch = ({ params }) => {
    void queryClient.prefetchQuery(
      createQueryOptions(DashboardService.method.getAppOverview, { app: appRef(params) }, { transport }),
    );
  };
  const deployments: Prefetch = ({ params, search: query }) => {
    const { project, app } = appRef(params);
    const search = parseHistorySearch(query);
    void queryClient.prefetchInfiniteQuery(
      createInfiniteQueryOptions(
        DeploymentService.method.listDeployments,
        deploymentHistoryInput(project, app, search.q, search.statuses),
        { transport, ...historyPaging },
      ),
    );
  };
  const deployment: Prefetch = ({ params }) => {
    const seq = parseVersion(params.version);
    const app = appRef(params);
    if (seq) {
      void queryClient.prefetchQuery(
        createQueryOptions(DeploymentService.method.getDeployment, { app, seq }, { transport }),
      );
    }
    void queryClient.prefetchQuery(
      createQueryOptions(ProjectService.method.getApplication, { app }, { transport }),
    );
  };
  return { overview, deployments, deployment } satisfies Record<PrefetchName, Prefetch>;
}
