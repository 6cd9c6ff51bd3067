import { stripVTControlCharacters } from "node:util";
import { sanitizeText } from "./sanitize-text.js";

/** Visible width of a cell (colour codes take no space). */
function width(s: string): number {
  return stripVTControlCharacters(s).length;
}

/**
 * Rows as aligned columns under a header, two spaces apart, trailing spaces trimmed. Cells keep colour (SGR) but
 * lose every other control sequence and character (links, cursor moves, newlines), wherever their text came from.
 */
export function renderTable(headers: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((r) =>
    r.map((c) => sanitizeText(c, { keepSgr: true, keepNewlines: false, keepTabs: false })),
  );
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - width(c))))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** The first line of a stored text without control sequences, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const first = sanitizeText(text.split("\n", 1)[0] ?? "");
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
