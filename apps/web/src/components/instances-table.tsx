import { HealthState, type Instance } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { healthWord, instanceStateWord, instanceTone } from "../lib/format.js";
import { tsMs } from "../lib/proto-time.js";

/** What an instance is called on each platform's engine (the column of its native id). */
const nativeNames: Record<string, string> = { docker: "Container", kubernetes: "Pod", nomad: "Allocation" };

/** A Docker container id as `docker ps` shows it (12 characters); a pod name or allocation id as it is. */
function shortNativeId(nativeId: string): string {
  return /^[0-9a-f]{64}$/.test(nativeId) ? nativeId.slice(0, 12) : nativeId;
}

/**
 * Instances with state, health, restarts, port, config and start time; health and config errors shown inline.
 * Instances an engine runs also show its id of them (container, pod, allocation), named after `platform`.
 */
export function InstancesTable({
  instances,
  platform = "",
}: {
  instances: readonly Instance[];
  platform?: string;
}) {
  if (instances.length === 0)
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No instances.</p>;
  const native = instances.some((i) => i.nativeId);
  return (
    <table className="w-full text-left text-sm" aria-label="Instances">
      <thead className="text-xs text-zinc-500 dark:text-zinc-400 uppercase">
        <tr>
          <th className="py-1 pr-3 font-medium">Instance</th>
          {native ? <th className="py-1 pr-3 font-medium">{nativeNames[platform] ?? "Engine id"}</th> : null}
          <th className="py-1 pr-3 font-medium">State</th>
          <th className="py-1 pr-3 font-medium">Health</th>
          <th className="py-1 pr-3 font-medium">Restarts</th>
          <th className="py-1 pr-3 font-medium">Port</th>
          <th className="py-1 pr-3 font-medium">Config</th>
          <th className="py-1 font-medium">Started</th>
        </tr>
      </thead>
      <tbody>
        {instances.map((i) => (
          <tr
            key={i.id}
            className="border-t border-zinc-100 dark:border-zinc-800"
            title={i.lastHealthError || undefined}
          >
            <td className="py-1 pr-3 font-mono text-xs">{i.id.slice(-8)}</td>
            {native ? (
              <td className="py-1 pr-3 font-mono text-xs" title={i.nativeId || undefined}>
                {shortNativeId(i.nativeId) || "—"}
              </td>
            ) : null}
            <td className="py-1 pr-3">
              <Badge tone={instanceTone(i.state, i.health)}>{instanceStateWord(i.state)}</Badge>
              {!i.connected ? (
                <span className="ml-1 text-xs text-zinc-500 dark:text-zinc-400">disconnected</span>
              ) : null}
            </td>
            <td
              className="py-1 pr-3"
              title={
                i.lastHealthAt
                  ? `last checked ${new Date(tsMs(i.lastHealthAt)!).toLocaleString()}`
                  : undefined
              }
            >
              {healthWord(i.health)}
              {i.lastHealthError ? (
                // A healthy instance whose last check failed is still healthy (it takes two failures): a
                // warning, not an error next to "healthy".
                <span
                  className={`ml-1 text-xs ${i.health === HealthState.HEALTHY ? "text-amber-600" : "text-red-600"}`}
                >
                  ({i.health === HealthState.HEALTHY ? "last check failed: " : ""}
                  {i.lastHealthError})
                </span>
              ) : null}
            </td>
            <td className="py-1 pr-3 tabular-nums">{i.restarts}</td>
            <td className="py-1 pr-3 tabular-nums">{i.port || "—"}</td>
            <td className="py-1 pr-3">
              rev {i.configRevision}
              {i.configError ? (
                <span role="alert" className="ml-1 text-xs text-red-600">
                  ({i.configError})
                </span>
              ) : null}
            </td>
            <td className="py-1">
              <RelativeTime ms={tsMs(i.startedAt)} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
