import { WebhookOutcome } from "@berth/proto";
import { Badge, type Tone } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { Link } from "wouter";
import { useWebhookDeliveries } from "../../api/queries/git.js";
import { shortSha } from "../../lib/format.js";
import { tsMs } from "../../lib/proto-time.js";

const outcomes: Record<WebhookOutcome, { label: string; tone: Tone }> = {
  [WebhookOutcome.UNSPECIFIED]: { label: "unknown", tone: "zinc" },
  [WebhookOutcome.ACCEPTED]: { label: "accepted", tone: "green" },
  [WebhookOutcome.IGNORED]: { label: "ignored", tone: "amber" },
  [WebhookOutcome.REJECTED]: { label: "rejected", tone: "red" },
};

/** What forges sent, newest first: outcome, why, and the builds an accepted push started. */
export function WebhookDeliveries({ project }: { project: string }) {
  const deliveries = useWebhookDeliveries(project);
  if (deliveries.isPending) return <LoadingState label="Loading deliveries…" />;
  if (deliveries.error)
    return <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  const rows = deliveries.data.deliveries;
  return (
    <>
      {rows.length === 0 ? (
        <EmptyState title="Nothing received yet">A forge's deliveries show here, accepted or not.</EmptyState>
      ) : (
        <table className="w-full text-left text-sm" aria-label="Webhook deliveries">
          <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
            <tr>
              <th className="py-1 pr-3 font-medium">When</th>
              <th className="py-1 pr-3 font-medium">Forge</th>
              <th className="py-1 pr-3 font-medium">Event</th>
              <th className="py-1 pr-3 font-medium">Ref</th>
              <th className="py-1 pr-3 font-medium">Outcome</th>
              <th className="py-1 font-medium">Builds or why</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} className="border-t border-zinc-100 align-top dark:border-zinc-800">
                <td className="py-1 pr-3 whitespace-nowrap">
                  <RelativeTime ms={tsMs(d.receivedAt)} />
                </td>
                <td className="py-1 pr-3" title={d.deliveryId}>
                  {d.forge || "—"}
                </td>
                <td className="py-1 pr-3 font-mono text-xs">{d.event || "—"}</td>
                <td className="py-1 pr-3 font-mono text-xs" title={d.repository}>
                  {d.ref.replace(/^refs\/heads\//, "") || "—"} {d.sha ? shortSha(d.sha) : ""}
                </td>
                <td className="py-1 pr-3 whitespace-nowrap">
                  <Badge tone={outcomes[d.outcome].tone}>{outcomes[d.outcome].label}</Badge>{" "}
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">{d.statusCode}</span>
                </td>
                <td className="py-1 text-xs">
                  {d.builds.length > 0
                    ? d.builds.map((b) => (
                        <Link
                          key={b.jobId}
                          to={`/jobs/${b.jobId}`}
                          className="mr-2 text-indigo-600 hover:underline dark:text-indigo-400"
                        >
                          {b.app}
                        </Link>
                      ))
                    : d.reason}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
