import { compareLines, type StoredLine } from "./stored-line.js";

/** Merges per-instance lists (each in seq order) into one list in time order. */
export function mergeLines(lists: StoredLine[][]): StoredLine[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0]!.slice();
  // Entrypoint clocks are per instance and lines within one instance keep their seq order even if its
  // clock stepped back, so this is a k-way merge of the heads rather than a global sort.
  const idx = nonEmpty.map(() => 0);
  const out: StoredLine[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < nonEmpty.length; i++) {
      const line = nonEmpty[i]![idx[i]!];
      if (!line) continue;
      if (best === -1 || compareLines(line, nonEmpty[best]![idx[best]!]!) < 0) best = i;
    }
    if (best === -1) return out;
    out.push(nonEmpty[best]![idx[best]!]!);
    idx[best]!++;
  }
}
