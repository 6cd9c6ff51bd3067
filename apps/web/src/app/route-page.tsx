import { LoadingState } from "@berth/ui/states";
import { useTransport } from "@connectrpc/connect-query";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, Suspense, useEffect } from "react";
import { useLocation, useParams } from "wouter";
import { useSearchParams } from "../lib/use-search-params.js";
import { RouteErrorBoundary } from "../modules/layout/route-error.js";
import { type LazyPage, lazyPage } from "./lazy-page.js";
import type { PrefetchName } from "./route-prefetch.js";

/** One entry of the route table. */
export interface PageRoute {
  /** A wouter (regexparam) pattern. */
  path: string;
  page: LazyPage;
  /** Under an app's tabs (and its live event stream). */
  inApp?: boolean;
  /** Starts the page's main query while its chunk downloads. */
  prefetch?: PrefetchName;
  /** Shown without a session, outside the shell. */
  signedOut?: boolean;
}

const appLayout = lazyPage<"AppLayout", { children: ReactNode }>(
  () => import("../modules/layout/app-layout.js"),
  "AppLayout",
);

/** Starts downloading a route's chunks; React waits on the same downloads when it renders the route. */
export function preloadRoute(route: PageRoute): void {
  const ignore = () => undefined; // a failed chunk shows when the route renders
  route.page.preload().catch(ignore);
  if (route.inApp) appLayout.preload().catch(ignore);
}

/** A matched route: its prefetch, its page (under the app's tabs when inApp), a loading state and an error state. */
export function RoutePage({ route }: { route: PageRoute }) {
  useRoutePrefetch(route.prefetch);
  const [pathname] = useLocation();
  const page = (
    <RouteErrorBoundary resetKey={pathname}>
      <Suspense fallback={<LoadingState label="Loading page…" />}>
        <route.page.Component />
      </Suspense>
    </RouteErrorBoundary>
  );
  if (!route.inApp) return page;
  return (
    <RouteErrorBoundary resetKey={pathname}>
      <Suspense fallback={<LoadingState label="Loading page…" />}>
        <appLayout.Component>{page}</appLayout.Component>
      </Suspense>
    </RouteErrorBoundary>
  );
}

function useRoutePrefetch(name: PrefetchName | undefined) {
  const params = useParams();
  const [search] = useSearchParams();
  const queryClient = useQueryClient();
  const transport = useTransport();
  useEffect(() => {
    if (!name) return;
    // The prefetch code (and the descriptors it needs) loads with the page, not with the first bundle.
    import("./route-prefetch.js")
      .then(({ createRoutePrefetch }) =>
        createRoutePrefetch(queryClient, transport)[name]({ params, search }),
      )
      .catch(() => undefined); // the page shows its own loading and error states
  }, [name, params, search, queryClient, transport]);
}
