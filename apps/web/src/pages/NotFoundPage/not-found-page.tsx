import { EmptyState } from "@berth/ui/states";
import { Link } from "wouter";

/** Unknown paths inside the app. */
export function NotFoundPage() {
  return (
    <EmptyState title="Nothing lives at this address">
      <Link to="/" className="text-indigo-600 underline">
        Go to projects
      </Link>
    </EmptyState>
  );
}
