/**
 * The order a deployment's instances restart in: one at a time when there are several (so the others
 * keep serving), all at once when there is only one (nothing to keep up anyway).
 */
export function rolloutWaves(instanceIds: string[]): string[][] {
  const sorted = [...instanceIds].sort();
  return sorted.length <= 1 ? [sorted] : sorted.map((id) => [id]);
}
