import { DashboardService, DeploymentService, ProjectService } from "@berth/proto";
import type { Transport } from "@connectrpc/connect";
import { createInfiniteQueryOptions, createQueryOptions } from "@connectrpc/connect-query";
import type { QueryClient } from "@tanstack/react-query";
import type { LoaderFunctionArgs } from "react-router";
import { deploymentHistoryInput, historyPaging } from "../api/queries/deployments.js";
import { parseVersion } from "../lib/format.js";
import { parseHistorySearch } from "../modules/history/history-search-params.js";

type Loader = (args: LoaderFunctionArgs) => null;

/**
 * Route loaders that start a page's main query while its code chunk downloads (no fetch-after-render waterfall).
 * They never block navigation: the page shows its own loading and error states. Inputs match the pages' hooks,
 * so the page finds the data under the same connect-query key.
 */
export function createRoutePrefetch(queryClient: QueryClient, transport: Transport) {
  const appRef = (params: LoaderFunctionArgs["params"]) => ({
    project: params.project ?? "",
    app: params.app ?? "",
  });
  const overview: Loader = ({ params }) => {
    void queryClient.prefetchQuery(
      createQueryOptions(DashboardService.method.getAppOverview, { app: appRef(params) }, { transport }),
    );
    return null;
  };
  const deployments: Loader = ({ params, request }) => {
    const { project, app } = appRef(params);
    const search = parseHistorySearch(new URL(request.url).searchParams);
    void queryClient.prefetchInfiniteQuery(
      createInfiniteQueryOptions(
        DeploymentService.method.listDeployments,
        deploymentHistoryInput(project, app, search.q, search.statuses),
        { transport, ...historyPaging },
      ),
    );
    return null;
  };
  const deployment: Loader = ({ params }) => {
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
    return null;
  };
  return { overview, deployments, deployment };
}
