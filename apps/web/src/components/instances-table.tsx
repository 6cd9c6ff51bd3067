import { HealthState, type Instance } from "@berth/proto";
import { Badge } from "@berth/ui/badge";
import { RelativeTime } from "@berth/ui/relative-time";
import { healthWord, instanceStateWord, instanceTone } from "../lib/format.js";
import { tsMs } from "../lib/proto-time.js";

/** Instances with state, health, restarts, port, config and start time; health and config errors shown inline. */
export function InstancesTable({ instances }: { instances: readonly Instance[] }) {
  if (instances.length === 0)
    return <p className="text-sm text-zinc-500 dark:text-zinc-400">No instances.</p>;
  return (
    <table className="w-full text-left text-sm" aria-label="Instances">
      <thead className="text-xs text-zinc-500 dark:text-zinc-400 uppercase">
        <tr>
          <th className="py-1 pr-3 font-medium">Instance</th>
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
