import { useEffect } from "react";
import { matchRoute, Route, useLocation, useRouter } from "wouter";
import { RouteErrorBoundary } from "../modules/layout/route-error.js";
import { Shell } from "../modules/layout/shell.js";
import { lazyPage } from "./lazy-page.js";
import { type PageRoute, preloadRoute, RoutePage } from "./route-page.js";
import { SessionGate } from "./session-gate.js";

// Each page is its own chunk: the first load carries the shell only.
const configPage = lazyPage(() => import("../pages/ConfigPage/config-page.js"), "ConfigPage");
const shaPage = lazyPage(() => import("../pages/ShaPage/sha-page.js"), "ShaPage");
const signInProvidersPage = lazyPage(
  () => import("../pages/SignInProvidersPage/sign-in-providers-page.js"),
  "SignInProvidersPage",
);
const app = "/p/:project/a/:app";

/** Every path the dashboard answers, first match wins. */
const routes: PageRoute[] = [
  {
    path: "/login",
    signedOut: true,
    page: lazyPage(() => import("../pages/LoginPage/login-page.js"), "LoginPage"),
  },
  { path: "/", page: lazyPage(() => import("../pages/ProjectsPage/projects-page.js"), "ProjectsPage") },
  {
    path: "/p/:project",
    page: lazyPage(() => import("../pages/ProjectPage/project-page.js"), "ProjectPage"),
  },
  { path: "/p/:project/config", page: configPage },
  {
    path: "/p/:project/notifications",
    page: lazyPage(() => import("../pages/NotificationsPage/notifications-page.js"), "NotificationsPage"),
  },
  {
    path: "/p/:project/webhooks",
    page: lazyPage(() => import("../pages/WebhooksPage/webhooks-page.js"), "WebhooksPage"),
  },
  { path: "/p/:project/sha", page: shaPage },
  { path: "/p/:project/sha/:sha", page: shaPage },
  {
    path: app,
    inApp: true,
    prefetch: "overview",
    page: lazyPage(() => import("../pages/AppOverviewPage/app-overview-page.js"), "AppOverviewPage"),
  },
  {
    path: `${app}/deployments`,
    inApp: true,
    prefetch: "deployments",
    page: lazyPage(() => import("../pages/DeploymentsPage/deployments-page.js"), "DeploymentsPage"),
  },
  {
    path: `${app}/deployments/:version`,
    inApp: true,
    prefetch: "deployment",
    page: lazyPage(() => import("../pages/DeploymentPage/deployment-page.js"), "DeploymentPage"),
  },
  {
    path: `${app}/compare`,
    inApp: true,
    page: lazyPage(() => import("../pages/ComparePage/compare-page.js"), "ComparePage"),
  },
  {
    path: `${app}/builds`,
    inApp: true,
    page: lazyPage(() => import("../pages/BuildsPage/builds-page.js"), "BuildsPage"),
  },
  {
    path: `${app}/releases`,
    inApp: true,
    page: lazyPage(() => import("../pages/ReleasesPage/releases-page.js"), "ReleasesPage"),
  },
  {
    path: `${app}/logs`,
    inApp: true,
    page: lazyPage(() => import("../pages/LogsPage/logs-page.js"), "LogsPage"),
  },
  {
    path: `${app}/terminal`,
    inApp: true,
    page: lazyPage(() => import("../pages/TerminalPage/terminal-page.js"), "TerminalPage"),
  },
  { path: `${app}/config`, inApp: true, page: configPage },
  { path: "/jobs", page: lazyPage(() => import("../pages/JobsPage/jobs-page.js"), "JobsPage") },
  { path: "/jobs/:id", page: lazyPage(() => import("../pages/JobPage/job-page.js"), "JobPage") },
  { path: "/runners", page: lazyPage(() => import("../pages/RunnersPage/runners-page.js"), "RunnersPage") },
  { path: "/users", page: lazyPage(() => import("../pages/UsersPage/users-page.js"), "UsersPage") },
  // Sign-in providers are the only setting so far: /settings (its breadcrumb) shows them too.
  { path: "/settings/sign-in", page: signInProvidersPage },
  { path: "/settings", page: signInProvidersPage },
  { path: "/audit", page: lazyPage(() => import("../pages/AuditPage/audit-page.js"), "AuditPage") },
  { path: "/catalog", page: lazyPage(() => import("../pages/CatalogPage/catalog-page.js"), "CatalogPage") },
  {
    path: "/get-started",
    page: lazyPage(() => import("../pages/GetStartedPage/get-started-page.js"), "GetStartedPage"),
  },
  { path: "/tokens", page: lazyPage(() => import("../pages/TokensPage/tokens-page.js"), "TokensPage") },
  { path: "/api", page: lazyPage(() => import("../pages/ApiPage/api-page.js"), "ApiPage") },
];

const notFound: PageRoute = {
  path: "*",
  page: lazyPage(() => import("../pages/NotFoundPage/not-found-page.js"), "NotFoundPage"),
};

/**
 * The dashboard's routes. The matched route's <Route> sits above the session gate and the shell, so the shell
 * (breadcrumbs, palette, shortcuts) sees the page's params; the element types stay the same from one route to
 * the next, so the shell and an app's tabs stay mounted while the page below them changes.
 */
export function AppRoutes() {
  const { parser } = useRouter();
  const [pathname] = useLocation();
  const route = routes.find((r) => matchRoute(parser, r.path, pathname)[0]) ?? notFound;
  // The page's chunks download while the session check runs, not after it.
  useEffect(() => preloadRoute(route), [route]);
  return (
    <RouteErrorBoundary resetKey={pathname}>
      <Route path={route.path}>
        {route.signedOut ? (
          <RoutePage route={route} />
        ) : (
          <SessionGate>
            <Shell>
              <RoutePage route={route} />
            </Shell>
          </SessionGate>
        )}
      </Route>
    </RouteErrorBoundary>
  );
}
