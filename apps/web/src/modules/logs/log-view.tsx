import { AnsiText } from "@berth/ui/ansi-text";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import {
  filterLogLines,
  formatLogTime,
  instanceColour,
  type LogEntry,
  type LogFilter,
  logsAsText,
} from "./log-buffer.js";
import { LogToolbar, type LogViewSettings } from "./log-toolbar.js";
import type { LogStreamState } from "./use-log-stream.js";

const lineHeight = 20;

/** Live, virtualised log lines with follow/pause, filters, highlight, timestamps, wrap and download. */
export function LogView({ stream, instanceIds }: { stream: LogStreamState; instanceIds: readonly string[] }) {
  const [settings, setSettings] = useState<LogViewSettings>({
    query: "",
    regex: false,
    stream: "all",
    hiddenInstances: new Set(),
    timestamps: "local",
    wrap: false,
  });
  const [following, setFollowing] = useState(true);
  const [pausedAt, setPausedAt] = useState(0);
  // A shared line link (#L=<instance>:<seq>) pauses the view on that line once it has loaded.
  const [target, setTarget] = useState(() =>
    decodeURIComponent(/^#L=(.+)$/.exec(window.location.hash)?.[1] ?? ""),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const filter: LogFilter = settings;
  // biome-ignore lint/correctness/useExhaustiveDependencies: stream.version marks a change inside the mutable array
  const result = useMemo(() => filterLogLines(stream.lines, filter), [stream.lines, stream.version, filter]);
  const shown = result.lines;
  // biome-ignore lint/correctness/useExhaustiveDependencies: stream.version marks a change inside the mutable array
  const allIds = useMemo(() => {
    const ids = new Set(instanceIds);
    for (const l of stream.lines.slice(-500)) ids.add(l.instanceId);
    return [...ids];
  }, [instanceIds, stream.lines, stream.version]);

  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => lineHeight,
    overscan: 30,
    ...(settings.wrap ? { measureElement: (el: Element) => el.getBoundingClientRect().height } : {}),
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: stream.version marks new lines in the same array
  useEffect(() => {
    if (!target) return;
    const index = shown.findIndex((l) => l.key === target);
    if (index < 0) return;
    setFollowing(false);
    virtualizer.scrollToIndex(index, { align: "center" });
    setTarget("");
  }, [target, shown, stream.version, virtualizer]);

  // Following: keep the newest line in view after every update.
  // biome-ignore lint/correctness/useExhaustiveDependencies: stream.version marks new lines even at the cap
  useLayoutEffect(() => {
    if (following && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: "end" });
  }, [following, shown.length, stream.version, virtualizer]);

  useEffect(() => {
    if (following) setPausedAt(stream.lines.length);
  }, [following, stream.lines.length]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < lineHeight * 2;
    if (!atBottom && following) {
      setFollowing(false);
      setPausedAt(stream.lines.length);
    } else if (atBottom && !following) setFollowing(true);
  };
  const newLines = following ? 0 : Math.max(0, stream.lines.length - pausedAt);

  return (
    <div className="flex min-h-0 flex-col gap-2">
      <LogToolbar
        settings={settings}
        onChange={setSettings}
        instanceIds={allIds}
        regexError={result.error}
        following={following}
        onToggleFollow={() => setFollowing((f) => !f)}
        lines={shown}
      />
      <LogStatus stream={stream} shown={shown.length} />
      <div className="relative">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          role="log"
          aria-label="Log lines"
          aria-live="off"
          data-testid="log-view"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          className="h-[calc(100vh-19rem)] min-h-64 overflow-auto rounded-lg border border-zinc-200 bg-zinc-950 font-mono text-xs text-zinc-100 dark:border-zinc-800"
        >
          {shown.length === 0 ? (
            <p className="p-3 text-zinc-400">
              {stream.lines.length === 0
                ? stream.status === "live" || stream.status === "ended"
                  ? "No log lines yet. They appear here as the app writes them."
                  : "Loading logs…"
                : "No line matches the filters."}
            </p>
          ) : null}
          <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => {
              const line = shown[item.index]!;
              return (
                <div
                  key={line.key}
                  data-index={item.index}
                  ref={settings.wrap ? virtualizer.measureElement : undefined}
                  className={`group absolute left-0 flex w-full gap-2 px-2 hover:bg-white/5 ${
                    window.location.hash === `#L=${encodeURIComponent(line.key)}` ? "bg-indigo-500/25" : ""
                  } ${settings.wrap ? "break-all whitespace-pre-wrap" : "whitespace-pre"} ${line.stderr ? "text-red-300" : ""}`}
                  style={{
                    transform: `translateY(${item.start}px)`,
                    ...(settings.wrap ? {} : { height: lineHeight }),
                  }}
                >
                  {settings.timestamps !== "off" ? (
                    <span className="shrink-0 text-zinc-400 select-none">
                      {formatLogTime(line.ts, settings.timestamps === "utc")}
                    </span>
                  ) : null}
                  {allIds.length > 1 ? (
                    <span
                      className="shrink-0 select-none"
                      style={{ color: instanceColour(allIds, line.instanceId) }}
                      title={`instance ${line.instanceId}`}
                    >
                      {line.instanceId.slice(-6)}
                    </span>
                  ) : null}
                  <span className="min-w-0 flex-1 leading-5">
                    <AnsiText text={line.text} highlight={result.highlight} />
                  </span>
                  <CopyLine line={line} />
                </div>
              );
            })}
          </div>
        </div>
        {newLines > 0 || (!following && shown.length > 0) ? (
          <button
            type="button"
            onClick={() => setFollowing(true)}
            className="absolute right-4 bottom-4 rounded-full bg-indigo-600 px-3 py-1.5 text-xs font-medium text-white shadow-lg hover:bg-indigo-500"
          >
            {newLines > 0 ? `${newLines.toLocaleString()} new lines — jump to latest` : "Jump to latest"}
          </button>
        ) : null}
      </div>
    </div>
  );
}

function LogStatus({ stream, shown }: { stream: LogStreamState; shown: number }) {
  const words = {
    connecting: "connecting…",
    backfilling: "loading recent lines…",
    live: "following live",
    reconnecting: "connection lost — reconnecting…",
    ended: "end of range",
    failed: "stopped",
  };
  return (
    <p role="status" className="flex flex-wrap gap-x-3 text-xs text-zinc-500">
      <span className={stream.status === "reconnecting" ? "text-amber-600" : undefined}>
        {words[stream.status]}
      </span>
      <span>
        {shown.toLocaleString()} of {stream.lines.length.toLocaleString()} lines
      </span>
      {stream.reconnects > 0 && stream.status === "live" ? (
        <span className="text-amber-600">reconnected {stream.reconnects}× and resumed where it left off</span>
      ) : null}
      {stream.skipped > 0 ? (
        <span className="text-amber-600">
          {stream.skipped.toLocaleString()} lines not available (past the server's log retention, or the view
          fell behind)
        </span>
      ) : null}
      {stream.lostAtSource > 0 ? (
        <span className="text-amber-600">
          {stream.lostAtSource.toLocaleString()} lines lost by the app's instances while the server was
          unreachable
        </span>
      ) : null}
      {stream.dropped > 0 ? (
        <span>{stream.dropped.toLocaleString()} oldest lines dropped here (the view holds 100,000)</span>
      ) : null}
    </p>
  );
}

/** Copies the line (colours stripped) with a link that reopens this view paused on it. */
function CopyLine({ line }: { line: LogEntry }) {
  return (
    <button
      type="button"
      aria-label="Copy line with link"
      className="sticky right-0 shrink-0 rounded px-1 text-zinc-400 opacity-0 group-hover:opacity-100 hover:text-white focus-visible:opacity-100"
      onClick={() => {
        const url = new URL(window.location.href);
        url.hash = `L=${encodeURIComponent(line.key)}`;
        void navigator.clipboard?.writeText(`${logsAsText([line])}\n${url.toString()}`);
        window.history.replaceState(null, "", url.hash);
      }}
    >
      copy
    </button>
  );
}
