/**
 * The order a deployment's instances are replaced in: `maxParallel` at a time (berth.hcl `max_parallel`,
 * default 1), so the others keep serving; a single instance in one wave (it surges to two on its own).
 */
export function rolloutWaves(instanceIds: string[], maxParallel = 1): string[][] {
  const sorted = [...instanceIds].sort();
  if (sorted.length <= 1) return [sorted];
  const size = Math.max(1, Math.floor(maxParallel));
  const waves: string[][] = [];
  for (let i = 0; i < sorted.length; i += size) waves.push(sorted.slice(i, i + size));
  return waves;
}
