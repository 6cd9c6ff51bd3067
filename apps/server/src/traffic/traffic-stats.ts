import { addBuckets, percentileMs } from "@berth/proto";

/** What routers reported for one deployment since this server started (or since a mark). */
export interface TrafficTotals {
  requests: number;
  errors5xx: number;
  /** Counts per latency bucket (packages/proto's latency-buckets layout). */
  buckets: number[];
}

/** One router report's numbers for a deployment. */
export interface TrafficReport {
  deploymentId: string;
  requests: number | bigint;
  errors5xx: number | bigint;
  latencyBuckets: readonly (number | bigint)[];
}

/** The live request metrics of every deployment, summed over all routers reporting to this server. */
export interface TrafficStats {
  add(reports: readonly TrafficReport[]): void;
  /** The totals of a deployment now (zeros when nothing was reported). */
  totals(deploymentId: string): TrafficTotals;
}

const empty = (): TrafficTotals => ({ requests: 0, errors5xx: 0, buckets: [] });

/** In memory: the numbers drive live rollout decisions, not history (a restarted server starts from zero). */
export function createTrafficStats(): TrafficStats {
  const byDeployment = new Map<string, TrafficTotals>();
  return {
    add(reports) {
      for (const r of reports) {
        const t = byDeployment.get(r.deploymentId) ?? empty();
        t.requests += Number(r.requests);
        t.errors5xx += Number(r.errors5xx);
        addBuckets(t.buckets, r.latencyBuckets);
        byDeployment.set(r.deploymentId, t);
      }
    },
    totals(deploymentId) {
      const t = byDeployment.get(deploymentId) ?? empty();
      return { requests: t.requests, errors5xx: t.errors5xx, buckets: [...t.buckets] };
    },
  };
}

/** The traffic between a mark and now. */
export function trafficSince(now: TrafficTotals, mark: TrafficTotals): TrafficTotals {
  return {
    requests: now.requests - mark.requests,
    errors5xx: now.errors5xx - mark.errors5xx,
    buckets: now.buckets.map((n, i) => n - (mark.buckets[i] ?? 0)),
  };
}

/** Request count, 5xx and latency percentiles, as shown beside each other for a rollout's two sides. */
export function trafficSummary(t: TrafficTotals) {
  return {
    requests: t.requests,
    errors5xx: t.errors5xx,
    p50Ms: percentileMs(t.buckets, 0.5),
    p95Ms: percentileMs(t.buckets, 0.95),
  };
}
