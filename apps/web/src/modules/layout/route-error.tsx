import { ErrorState } from "@berth/ui/states";
import { Component, type ReactNode } from "react";
import { Link } from "wouter";

/** Shown when a route fails to load (a chunk after a deploy, a render error); never a blank page. */
export function RouteError({ error }: { error: unknown }) {
  return (
    <main className="mx-auto max-w-xl p-8">
      <ErrorState error={error} title="This page could not load" onRetry={() => window.location.reload()} />
      <Link to="/" className="mt-4 inline-block text-sm text-indigo-600 underline">
        Back to projects
      </Link>
    </main>
  );
}

/**
 * Catches a failing route's error so what is around it (the shell, the app's tabs) stays; the next location
 * (`resetKey`) tries again.
 */
export class RouteErrorBoundary extends Component<
  { resetKey: string; children: ReactNode },
  { failed: boolean; error: unknown }
> {
  override state = { failed: false, error: undefined as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { failed: true, error };
  }

  override componentDidUpdate(previous: { resetKey: string }) {
    if (this.state.failed && previous.resetKey !== this.props.resetKey)
      this.setState({ failed: false, error: undefined });
  }

  override render() {
    return this.state.failed ? <RouteError error={this.state.error} /> : this.props.children;
  }
}
