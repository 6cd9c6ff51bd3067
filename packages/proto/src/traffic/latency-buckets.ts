// The layout of DeploymentTraffic.latency_buckets, shared by the routers that fill it and the server that reads
// it: log-scaled buckets (four per doubling, so a percentile is within 19 % of the true value) from 0.1 ms.

/** How many buckets there are; the last one holds everything above ~2 minutes. */
export const latencyBucketCount = 96;

const baseMs = 0.1;

/** The bucket a latency falls in. */
export function latencyBucket(ms: number): number {
  if (!(ms > baseMs)) return 0;
  return Math.min(latencyBucketCount - 1, Math.ceil(4 * Math.log2(ms / baseMs)));
}

/** The largest latency bucket `i` holds, in milliseconds. */
export function bucketUpperMs(i: number): number {
  return baseMs * 2 ** (i / 4);
}

/** Adds `from` into `into` (grown as needed); returns `into`. */
export function addBuckets(into: number[], from: readonly (number | bigint)[]): number[] {
  from.forEach((n, i) => {
    into[i] = (into[i] ?? 0) + Number(n);
  });
  return into;
}

/** The latency below which a share `q` (0..1) of the counted requests fell: a bucket's upper bound; 0 when empty. */
export function percentileMs(buckets: readonly number[], q: number): number {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return bucketUpperMs(i);
  }
  return bucketUpperMs(buckets.length - 1);
}
