import { latencyBucket, latencyBucketCount } from "@berth/proto";

/** What a router served for one deployment since the last drain (DeploymentTraffic without the proto). */
export interface TrafficDelta {
  deploymentId: string;
  requests: number;
  errors5xx: number;
  /** Counts per latency bucket (packages/proto's latency-buckets layout), trailing zeros trimmed. */
  latencyBuckets: number[];
}

export interface TrafficRecorder {
  /** One finished request to a deployment: its status and how long it took, in milliseconds. */
  record(deploymentId: string, status: number, ms: number): void;
  /** Everything recorded since the previous drain; empty when there was no traffic. */
  drain(): TrafficDelta[];
}

interface Counts {
  requests: number;
  errors5xx: number;
  buckets: Uint32Array;
}

/**
 * Per-deployment request counts, 5xx and a latency histogram, for progressive releases. A request costs a map
 * lookup and three increments: cheap enough to keep on for every request.
 */
export function createTrafficRecorder(): TrafficRecorder {
  let counts = new Map<string, Counts>();
  return {
    record(deploymentId, status, ms) {
      let c = counts.get(deploymentId);
      if (!c) {
        c = { requests: 0, errors5xx: 0, buckets: new Uint32Array(latencyBucketCount) };
        counts.set(deploymentId, c);
      }
      c.requests++;
      if (status >= 500) c.errors5xx++;
      c.buckets[latencyBucket(ms)]!++;
    },
    drain() {
      const drained = counts;
      counts = new Map();
      return [...drained].map(([deploymentId, c]) => {
        let end = c.buckets.length;
        while (end > 0 && c.buckets[end - 1] === 0) end--;
        return {
          deploymentId,
          requests: c.requests,
          errors5xx: c.errors5xx,
          latencyBuckets: Array.from(c.buckets.subarray(0, end)),
        };
      });
    },
  };
}
