import { PreviewState } from "@berth/proto";
import { Badge, type Tone } from "@berth/ui/badge";
import { Card } from "@berth/ui/card";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { usePreviews } from "../../api/queries/git.js";
import { shortSha } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";

const states: Record<PreviewState, { label: string; tone: Tone }> = {
  [PreviewState.UNSPECIFIED]: { label: "unknown", tone: "zinc" },
  [PreviewState.BUILDING]: { label: "building", tone: "amber" },
  [PreviewState.READY]: { label: "ready", tone: "green" },
  [PreviewState.FAILED]: { label: "failed", tone: "red" },
  [PreviewState.CLOSED]: { label: "closed", tone: "zinc" },
};

/** The app's open previews (berth.hcl preview { … }): PR, branch, commit, state, URL and expiry, kept live. */
export function PreviewsCard({ project, app }: { project: string; app: string }) {
  const previews = usePreviews(project, app);
  return (
    <Card title="Previews">
      {previews.isPending ? (
        <LoadingState label="Loading previews…" />
      ) : previews.error ? (
        <ErrorState error={previews.error} onRetry={() => void previews.refetch()} />
      ) : previews.data.previews.length === 0 ? (
        <EmptyState title="No open previews">
          With preview {"{ … }"} in berth.hcl and the project's webhook in the forge, each pull request gets
          its own URL here.
        </EmptyState>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Previews">
          <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="py-1 pr-3 font-medium">PR</th>
              <th className="py-1 pr-3 font-medium">Branch</th>
              <th className="py-1 pr-3 font-medium">Commit</th>
              <th className="py-1 pr-3 font-medium">State</th>
              <th className="py-1 pr-3 font-medium">URL</th>
              <th className="py-1 font-medium">Expires</th>
            </tr>
          </thead>
          <tbody>
            {previews.data.previews.map((p) => (
              <tr key={p.previewApp} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <td className="py-1 pr-3 whitespace-nowrap" title={p.title}>
                  #{p.number}
                </td>
                <td className="py-1 pr-3 font-mono text-xs">{p.branch}</td>
                <td className="py-1 pr-3 font-mono text-xs">{shortSha(p.sha)}</td>
                <td className="py-1 pr-3" title={p.reason}>
                  <Badge tone={states[p.state].tone}>{states[p.state].label}</Badge>
                </td>
                <td className="py-1 pr-3 text-xs">
                  {p.url ? (
                    <a
                      href={p.url}
                      target="_blank"
                      rel="noreferrer noopener"
                      className="text-indigo-600 hover:underline dark:text-indigo-400"
                    >
                      {p.previewApp}
                    </a>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-1 whitespace-nowrap">
                  {p.expiresAt ? <RelativeTime ms={tsMs(p.expiresAt)} /> : "when closed"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
