import { Button } from "@berth/ui/button";
import { instanceColour, type LogEntry, type LogFilter, logsAsText } from "./log-buffer.js";

export interface LogViewSettings extends LogFilter {
  timestamps: "off" | "local" | "utc";
  wrap: boolean;
}

const control =
  "rounded-md border border-zinc-300 bg-transparent px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Search, regex, stream, instances, timestamps, wrap, follow and download controls for the log view. */
export function LogToolbar(props: {
  settings: LogViewSettings;
  onChange: (next: LogViewSettings) => void;
  instanceIds: readonly string[];
  regexError: string | undefined;
  following: boolean;
  onToggleFollow: () => void;
  lines: readonly LogEntry[];
}) {
  const { settings, onChange } = props;
  const set = (patch: Partial<LogViewSettings>) => onChange({ ...settings, ...patch });
  const download = () => {
    const blob = new Blob([logsAsText(props.lines)], { type: "text/plain" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `logs-${new Date().toISOString().replace(/[:.]/g, "-")}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <input
        type="search"
        data-shortcut-search
        data-testid="log-search"
        aria-label="Filter log lines"
        aria-invalid={props.regexError ? true : undefined}
        placeholder={settings.regex ? "Regular expression…  ( / )" : "Filter lines…  ( / )"}
        value={settings.query}
        onChange={(e) => set({ query: e.target.value })}
        className={`${control} w-64 font-mono`}
      />
      <label className="flex items-center gap-1 text-sm">
        <input type="checkbox" checked={settings.regex} onChange={(e) => set({ regex: e.target.checked })} />
        Regex
      </label>
      {props.regexError ? (
        <span role="alert" className="text-xs text-red-600">
          {props.regexError}
        </span>
      ) : null}
      <select
        aria-label="Stream"
        value={settings.stream}
        onChange={(e) => set({ stream: e.target.value as LogViewSettings["stream"] })}
        className={control}
      >
        <option value="all">stdout + stderr</option>
        <option value="stdout">stdout</option>
        <option value="stderr">stderr</option>
      </select>
      <select
        aria-label="Timestamps"
        value={settings.timestamps}
        onChange={(e) => set({ timestamps: e.target.value as LogViewSettings["timestamps"] })}
        className={control}
      >
        <option value="local">Local time</option>
        <option value="utc">UTC</option>
        <option value="off">No timestamps</option>
      </select>
      <label className="flex items-center gap-1 text-sm">
        <input type="checkbox" checked={settings.wrap} onChange={(e) => set({ wrap: e.target.checked })} />
        Wrap
      </label>
      {props.instanceIds.length > 1 ? (
        <fieldset className="flex flex-wrap items-center gap-2 text-sm">
          <legend className="sr-only">Instances</legend>
          {props.instanceIds.map((id) => (
            <label key={id} className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={!settings.hiddenInstances.has(id)}
                aria-label={`Show instance ${id}`}
                onChange={(e) => {
                  const hidden = new Set(settings.hiddenInstances);
                  if (e.target.checked) hidden.delete(id);
                  else hidden.add(id);
                  set({ hiddenInstances: hidden });
                }}
              />
              <span style={{ color: instanceColour(props.instanceIds, id) }} className="font-mono text-xs">
                ● {id.slice(-6)}
              </span>
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="ml-auto flex gap-2">
        <Button size="sm" onClick={props.onToggleFollow} data-testid="log-follow-toggle">
          {props.following ? "Pause" : "Follow"}
        </Button>
        <Button size="sm" onClick={download} disabled={props.lines.length === 0}>
          Download
        </Button>
      </div>
    </div>
  );
}
