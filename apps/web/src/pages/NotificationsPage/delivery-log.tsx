import { type NotificationDelivery, NotificationDeliveryState } from "@berth/proto";
import { Badge, type Tone } from "@berth/ui/badge";
import { Button } from "@berth/ui/button";
import { RelativeTime } from "@berth/ui/relative-time";
import { EmptyState, ErrorState, LoadingState } from "@berth/ui/states";
import { useDeliveries, useRedeliver } from "../../api/queries/notifications.js";
import { tsMs } from "../../lib/proto-time.js";

const states: Record<NotificationDeliveryState, { label: string; tone: Tone }> = {
  [NotificationDeliveryState.UNSPECIFIED]: { label: "unknown", tone: "zinc" },
  [NotificationDeliveryState.PENDING]: { label: "retrying", tone: "amber" },
  [NotificationDeliveryState.DELIVERED]: { label: "delivered", tone: "green" },
  [NotificationDeliveryState.FAILED]: { label: "failed", tone: "red" },
};

/** "500 ×5, 200": each run of equal answers once, with its count ("error" when none came). */
function answersOf(d: Pick<NotificationDelivery, "attempts">): string {
  const runs: { code: string; n: number }[] = [];
  for (const a of d.attempts) {
    const code = a.statusCode ? String(a.statusCode) : "error";
    const last = runs.at(-1);
    if (last?.code === code) last.n += 1;
    else runs.push({ code, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.code} ×${r.n}` : r.code)).join(", ") || "not tried yet";
}

/** The project's deliveries, newest first: state, every attempt's answer, and Redeliver. */
export function DeliveryLog({ project, writeDenied }: { project: string; writeDenied: string | undefined }) {
  const deliveries = useDeliveries(project);
  const redeliver = useRedeliver();
  if (deliveries.isPending) return <LoadingState label="Loading deliveries…" />;
  if (deliveries.error)
    return <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} />;
  if (deliveries.data.deliveries.length === 0)
    return (
      <EmptyState title="Nothing sent yet">Deliveries show here once a subscribed event happens.</EmptyState>
    );
  return (
    <>
      {redeliver.error ? <ErrorState error={redeliver.error} title="Redeliver failed" /> : null}
      <table className="w-full text-left text-sm" aria-label="Deliveries">
        <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
          <tr>
            <th className="py-1 pr-3 font-medium">When</th>
            <th className="py-1 pr-3 font-medium">Event</th>
            <th className="py-1 pr-3 font-medium">State</th>
            <th className="py-1 pr-3 font-medium">Answers</th>
            <th className="py-1 pr-3 font-medium">What happened</th>
            <th className="py-1 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.deliveries.map((d) => (
            <tr key={d.id} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <td className="py-1 pr-3 whitespace-nowrap">
                <RelativeTime ms={tsMs(d.createdAt)} />
              </td>
              <td className="py-1 pr-3 font-mono text-xs">{d.event}</td>
              <td className="py-1 pr-3">
                <Badge tone={states[d.state].tone}>{states[d.state].label}</Badge>
              </td>
              <td className="py-1 pr-3">
                <details>
                  <summary className="cursor-pointer font-mono text-xs">{answersOf(d)}</summary>
                  <ol
                    className="mt-1 space-y-0.5 text-xs text-zinc-600 dark:text-zinc-400"
                    aria-label={`Attempts of ${d.id}`}
                  >
                    {d.attempts.map((a, i) => (
                      // Attempts never reorder: their index is their identity.
                      // biome-ignore lint/suspicious/noArrayIndexKey: see above
                      <li key={i}>
                        <RelativeTime ms={tsMs(a.time)} /> · {a.statusCode ? `HTTP ${a.statusCode}` : a.error}{" "}
                        · {a.durationMs} ms{a.statusCode && a.error ? ` · ${a.error}` : ""}
                      </li>
                    ))}
                  </ol>
                </details>
              </td>
              <td className="max-w-md py-1 pr-3 break-words">{d.summary}</td>
              <td className="py-1 text-right">
                <Button
                  size="sm"
                  aria-label={`Redeliver ${d.id}`}
                  onClick={() => redeliver.mutate({ project, deliveryId: d.id })}
                  disabled={redeliver.isPending}
                  disabledReason={writeDenied}
                >
                  Redeliver
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
