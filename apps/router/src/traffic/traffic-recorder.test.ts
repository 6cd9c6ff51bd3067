import { latencyBucket } from "@berth/proto";
import { describe, expect, it } from "vitest";
import { createTrafficRecorder } from "./traffic-recorder.js";

describe("createTrafficRecorder", () => {
  it("counts requests, 5xx and latencies per deployment, and starts over after a drain", () => {
    const r = createTrafficRecorder();
    r.record("a", 200, 1);
    r.record("a", 503, 1);
    r.record("b", 404, 50);
    const first = r.drain().sort((x, y) => x.deploymentId.localeCompare(y.deploymentId));
    expect(
      first.map(({ deploymentId, requests, errors5xx }) => ({ deploymentId, requests, errors5xx })),
    ).toEqual([
      { deploymentId: "a", requests: 2, errors5xx: 1 },
      { deploymentId: "b", requests: 1, errors5xx: 0 },
    ]);
    expect(first[0]?.latencyBuckets[latencyBucket(1)]).toBe(2);
    expect(first[1]?.latencyBuckets).toHaveLength(latencyBucket(50) + 1);
    expect(r.drain()).toEqual([]);
  });
});
