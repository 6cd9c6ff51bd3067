import { type ConfigChange, ConfigScope, ConfigService } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { ErrorState, LoadingState } from "@berth/ui/states";
import { useQuery } from "@connectrpc/connect-query";

/** The config variables that differ between two revisions of an app's effective config. */
export function useConfigDiff(project: string, app: string, fromRevision: number, toRevision: number) {
  return useQuery(
    ConfigService.method.diffConfigRevisions,
    { app: { project, app }, fromRevision, toRevision },
    { enabled: fromRevision > 0 && toRevision > 0 && fromRevision !== toRevision },
  );
}

const tone = { added: "green", removed: "red", changed: "amber" } as const;

/** A list of config changes; secret values are never shown (the server sends them empty). */
export function ConfigChangeList({ changes }: { changes: readonly ConfigChange[] }) {
  if (changes.length === 0)
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No config variables differ.</p>;
  return (
    <ul aria-label="Config changes" className="space-y-1 text-sm">
      {changes.map((c) => (
        <li key={`${c.scope}:${c.name}`} className="flex flex-wrap items-center gap-2">
          <Badge tone={tone[c.change as keyof typeof tone] ?? "zinc"}>{c.change}</Badge>
          <code className="font-mono">{c.name}</code>
          {c.scope === ConfigScope.PROJECT ? (
            <span className="text-xs text-zinc-500 dark:text-zinc-400">(project)</span>
          ) : null}
          {c.secret ? (
            <span className="text-xs text-zinc-500 dark:text-zinc-400">secret value changed</span>
          ) : (
            <span className="min-w-0 truncate font-mono text-xs text-zinc-600 dark:text-zinc-400">
              {c.change !== "added" ? <del>{c.oldValue || "∅"}</del> : null}
              {c.change === "changed" ? " → " : null}
              {c.change !== "removed" ? <ins className="no-underline">{c.newValue || "∅"}</ins> : null}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Loads and shows the diff between two revisions, with its own loading and error states. */
export function ConfigDiff(props: {
  project: string;
  app: string;
  fromRevision: number;
  toRevision: number;
}) {
  const { data, error, isLoading, refetch } = useConfigDiff(
    props.project,
    props.app,
    props.fromRevision,
    props.toRevision,
  );
  if (props.fromRevision === props.toRevision || !props.fromRevision || !props.toRevision)
    return (
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Same config revision ({props.toRevision || "none"}).
      </p>
    );
  if (isLoading) return <LoadingState label="Comparing config…" />;
  if (error)
    return <ErrorState error={error} onRetry={() => void refetch()} title="Could not compare config" />;
  return <ConfigChangeList changes={data?.changes ?? []} />;
}
