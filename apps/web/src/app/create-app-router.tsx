import type { AuthClient, Viewer } from "@berth/api-client";
import { LoadingState } from "@berth/ui/states";
import type { Transport } from "@connectrpc/connect";
import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter, type LoaderFunctionArgs, type RouteObject, redirect } from "react-router";
import { RouteError } from "../modules/layout/route-error.js";
import { Shell } from "../modules/layout/shell.js";
import { loginPath, sessionKey } from "./session.js";

/** Gives every route (and nested route) its own error element, so a failing page keeps the shell around it. */
function withErrorElements(routes: RouteObject[]): RouteObject[] {
  return routes.map((route) => ({
    ...route,
    errorElement: <RouteError />,
    ...(route.children ? { children: withErrorElements(route.children) } : {}),
  })) as RouteObject[];
}

/** Shown while the first session check runs. */
function SessionFallback() {
  return <LoadingState label="Signing in…" />;
}

// Each page is its own chunk: the first load carries the shell only.
const page =
  <K extends string>(load: () => Promise<Record<K, React.ComponentType>>, name: K) =>
  async () => ({ Component: (await load())[name] });

/** Builds the route tree; loaders use the app's query client and auth client passed in here. */
export function createAppRouter({
  auth,
  queryClient,
  transport,
}: {
  auth: AuthClient;
  queryClient: QueryClient;
  transport: Transport;
}) {
  // The prefetch code (and the descriptors it needs) loads with the page, not with the first bundle.
  const prefetchFor =
    (name: "overview" | "deployments" | "deployment") =>
    async (args: LoaderFunctionArgs): Promise<null> => {
      const { createRoutePrefetch } = await import("./route-prefetch.js");
      return createRoutePrefetch(queryClient, transport)[name](args);
    };
  const prefetch = {
    overview: prefetchFor("overview"),
    deployments: prefetchFor("deployments"),
    deployment: prefetchFor("deployment"),
  };
  const requireSession = async ({ request }: LoaderFunctionArgs): Promise<Viewer> => {
    const viewer = await queryClient.fetchQuery({
      queryKey: sessionKey,
      queryFn: ({ signal }) => auth.me(signal).then((v) => v ?? null),
      staleTime: 60_000,
    });
    if (!viewer) {
      const url = new URL(request.url);
      throw redirect(loginPath(`${url.pathname}${url.search}`));
    }
    return viewer;
  };

  return createBrowserRouter([
    {
      path: "/login",
      lazy: page(() => import("../pages/LoginPage/login-page.js"), "LoginPage"),
      errorElement: <RouteError />,
    },
    {
      id: "root",
      path: "/",
      loader: requireSession,
      Component: Shell,
      HydrateFallback: SessionFallback,
      errorElement: <RouteError />,
      children: withErrorElements([
        { index: true, lazy: page(() => import("../pages/ProjectsPage/projects-page.js"), "ProjectsPage") },
        {
          path: "p/:project",
          lazy: page(() => import("../pages/ProjectPage/project-page.js"), "ProjectPage"),
        },
        {
          path: "p/:project/config",
          lazy: page(() => import("../pages/ConfigPage/config-page.js"), "ConfigPage"),
        },
        {
          path: "p/:project/a/:app",
          lazy: page(() => import("../modules/layout/app-layout.js"), "AppLayout"),
          children: [
            {
              index: true,
              loader: prefetch.overview,
              lazy: page(() => import("../pages/AppOverviewPage/app-overview-page.js"), "AppOverviewPage"),
            },
            {
              path: "deployments",
              loader: prefetch.deployments,
              lazy: page(() => import("../pages/DeploymentsPage/deployments-page.js"), "DeploymentsPage"),
            },
            {
              path: "deployments/:version",
              loader: prefetch.deployment,
              lazy: page(() => import("../pages/DeploymentPage/deployment-page.js"), "DeploymentPage"),
            },
            {
              path: "compare",
              lazy: page(() => import("../pages/ComparePage/compare-page.js"), "ComparePage"),
            },
            { path: "builds", lazy: page(() => import("../pages/BuildsPage/builds-page.js"), "BuildsPage") },
            {
              path: "releases",
              lazy: page(() => import("../pages/ReleasesPage/releases-page.js"), "ReleasesPage"),
            },
            { path: "logs", lazy: page(() => import("../pages/LogsPage/logs-page.js"), "LogsPage") },
            {
              path: "terminal",
              lazy: page(() => import("../pages/TerminalPage/terminal-page.js"), "TerminalPage"),
            },
            { path: "config", lazy: page(() => import("../pages/ConfigPage/config-page.js"), "ConfigPage") },
          ],
        },
        { path: "jobs", lazy: page(() => import("../pages/JobsPage/jobs-page.js"), "JobsPage") },
        { path: "jobs/:id", lazy: page(() => import("../pages/JobPage/job-page.js"), "JobPage") },
        { path: "runners", lazy: page(() => import("../pages/RunnersPage/runners-page.js"), "RunnersPage") },
        { path: "audit", lazy: page(() => import("../pages/AuditPage/audit-page.js"), "AuditPage") },
        { path: "*", lazy: page(() => import("../pages/NotFoundPage/not-found-page.js"), "NotFoundPage") },
      ]),
    },
  ]);
}
