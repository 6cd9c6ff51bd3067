/** A deployment a request may go to, with its share of traffic in percent. */
export interface WeightedTarget {
  deploymentId: string;
  weight: number;
}

/** Picks a target by weight; `random` in [0, 1). Targets with weight 0 never win unless all are 0. */
export function pickWeighted<T extends WeightedTarget>(targets: readonly T[], random: number): T | undefined {
  const total = targets.reduce((sum, t) => sum + Math.max(0, t.weight), 0);
  if (total <= 0) return targets[0];
  let point = random * total;
  for (const t of targets) {
    point -= Math.max(0, t.weight);
    if (point < 0) return t;
  }
  return targets[targets.length - 1];
}

/** Round-robin over a deployment's healthy instances, one counter per deployment. */
export function createRoundRobin(): <T>(key: string, items: readonly T[]) => T | undefined {
  const counters = new Map<string, number>();
  return (key, items) => {
    if (items.length === 0) return undefined;
    const n = counters.get(key) ?? 0;
    counters.set(key, (n + 1) % 1_000_000_000);
    return items[n % items.length];
  };
}
