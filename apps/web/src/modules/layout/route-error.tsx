import { ErrorState } from "@berth/ui/states";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";

/** Shown when a route fails to load (a chunk after a deploy, a loader error); never a blank page. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error;
  return (
    <main className="mx-auto max-w-xl p-8">
      <ErrorState error={message} title="This page could not load" onRetry={() => window.location.reload()} />
      <Link to="/" className="mt-4 inline-block text-sm text-indigo-600 underline">
        Back to projects
      </Link>
    </main>
  );
}
