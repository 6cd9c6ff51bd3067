import { stripVTControlCharacters } from "node:util";

/** Visible width of a cell (colour codes take no space). */
function width(s: string): number {
  return stripVTControlCharacters(s).length;
}

/** Rows as aligned columns under a header, two spaces apart, trailing spaces trimmed. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - width(c))))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** The first line of a text, cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const first = text.split("\n", 1)[0] ?? "";
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
