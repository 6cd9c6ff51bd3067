/**
 * How many bytes each instance must free so that all together hold at most `target` bytes, taking from the
 * largest first: everyone is cut down to one common level and smaller instances keep all they have. So a chatty
 * instance cannot push a quiet one's logs off the disk, and every instance keeps its newest lines.
 */
export function fairTrim(sizes: ReadonlyMap<string, number>, target: number): Map<string, number> {
  const out = new Map<string, number>();
  const sorted = [...sizes].sort((a, b) => b[1] - a[1]);
  let rest = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (rest <= target) return out;
  // Cap the k largest at `level`; the first k for which the level stays above the next size is the answer.
  let level = 0;
  let k = 0;
  for (; k < sorted.length; k++) {
    rest -= sorted[k]![1];
    level = Math.max(0, Math.floor((Math.max(0, target) - rest) / (k + 1)));
    if (level >= (sorted[k + 1]?.[1] ?? 0)) break;
  }
  for (const [id, n] of sorted.slice(0, k + 1)) if (n > level) out.set(id, n - level);
  return out;
}
