import type { ReactNode } from "react";
import { Button } from "./button.js";

/** A calm placeholder while data loads; announced politely to screen readers. */
export function LoadingState({ label = "Loading…" }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 p-6 text-sm text-zinc-500 dark:text-zinc-400">
      <span className="h-3 w-3 animate-spin rounded-full border-2 border-zinc-300 border-t-indigo-500" />
      {label}
    </div>
  );
}

/** What to show when a list has nothing in it, with an optional next step. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 p-8 text-center dark:border-zinc-700">
      <p className="font-medium text-zinc-800 dark:text-zinc-200">{title}</p>
      {children ? <div className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{children}</div> : null}
    </div>
  );
}

/** The server's message and a retry button; never a blank page. */
export function ErrorState({
  error,
  onRetry,
  title = "Something went wrong",
}: {
  error: unknown;
  onRetry?: (() => void) | undefined;
  title?: string;
}) {
  const message =
    error && typeof error === "object" && "rawMessage" in error
      ? String((error as { rawMessage: unknown }).rawMessage)
      : error instanceof Error
        ? error.message
        : String(error);
  return (
    <div
      role="alert"
      className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900/60 dark:bg-red-950/40 dark:text-red-200"
    >
      <p className="font-medium">{title}</p>
      {/* Multi-line messages (a crashed instance's last log lines) keep their lines. */}
      <p className="mt-1 break-words whitespace-pre-wrap">{message}</p>
      {onRetry ? (
        <Button className="mt-3" size="sm" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}
