/** biome-ignore-all lint/a11y/useSemanticElements: a virtualised grid of divs with ARIA table roles; <table> cannot position rows absolutely. */
/** biome-ignore-all lint/a11y/useFocusableInteractive: rows are reached through the link in their first cell. */
/** biome-ignore-all lint/a11y/useKeyWithClickEvents: the row click is a mouse shortcut for the link in the row. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { type ReactNode, useEffect, useRef } from "react";

export interface VirtualTableProps<T> {
  /** Accessible name of the table, e.g. "Deployments". */
  label: string;
  /** CSS grid-template-columns shared by the header and every row. */
  columns: string;
  headers: ReactNode[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  renderRow: (row: T) => ReactNode[];
  rowHeight?: number;
  onRowClick?: (row: T) => void;
  rowTestId?: string;
  rowLabel?: (row: T) => string;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => void;
  /** Height of the scroll area; the table scrolls inside it so 100,000 rows keep only a screenful in the DOM. */
  height?: string;
}

/** A table whose rows are virtualised and whose next server page loads as the user nears the end. */
export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { rows, rowHeight = 44, hasNextPage, isFetchingNextPage, fetchNextPage } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length + (hasNextPage ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1);
  useEffect(() => {
    if (last && last.index >= rows.length - 1 - 20 && hasNextPage && !isFetchingNextPage) fetchNextPage?.();
  }, [last, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div
      role="table"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      className="overflow-hidden rounded-lg border border-zinc-200 dark:border-zinc-800"
    >
      <div role="rowgroup" className="overflow-x-auto">
        <div
          role="row"
          className="grid min-w-[720px] items-center gap-3 border-b border-zinc-200 bg-zinc-50 px-3 py-2 text-xs font-medium tracking-wide text-zinc-500 dark:text-zinc-400 uppercase dark:border-zinc-800 dark:bg-zinc-900"
          style={{ gridTemplateColumns: props.columns }}
        >
          {props.headers.map((h, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
            <div role="columnheader" key={i} className="truncate">
              {h}
            </div>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="overflow-auto"
        style={{ height: props.height ?? `min(${virtualizer.getTotalSize() + 2}px, calc(100vh - 16rem))` }}
      >
        <div
          role="rowgroup"
          className="relative min-w-[720px]"
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) {
              return (
                <div
                  key="loader"
                  role="row"
                  className="absolute left-0 w-full px-3 py-3 text-sm text-zinc-500 dark:text-zinc-400"
                  style={{ transform: `translateY(${item.start}px)`, height: item.size }}
                >
                  <div role="cell">Loading more…</div>
                </div>
              );
            }
            return (
              <div
                key={props.rowKey(row)}
                role="row"
                aria-rowindex={item.index + 2}
                aria-label={props.rowLabel?.(row)}
                data-testid={props.rowTestId}
                onClick={props.onRowClick ? () => props.onRowClick?.(row) : undefined}
                className={`absolute left-0 grid w-full items-center gap-3 border-b border-zinc-100 px-3 text-sm dark:border-zinc-800/60 ${props.onRowClick ? "cursor-pointer hover:bg-zinc-50 dark:hover:bg-zinc-900" : ""}`}
                style={{
                  transform: `translateY(${item.start}px)`,
                  height: item.size,
                  gridTemplateColumns: props.columns,
                }}
              >
                {props.renderRow(row).map((cell, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  <div role="cell" key={i} className="min-w-0 truncate">
                    {cell}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
