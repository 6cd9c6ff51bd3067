import { describe, expect, it } from "vitest";
import type { LiveIntervalTable } from "../store/schema.js";
import { servedTimes } from "./served-time.js";

const interval = (deploymentId: string, from: number, to: number | null): LiveIntervalTable => ({
  app_id: "a",
  release_id: `r${from}`,
  release_seq: from,
  deployment_id: deploymentId,
  weight: 100,
  from_time: from,
  to_time: to,
});

describe("servedTimes", () => {
  it("sums closed intervals and counts an open one until now", () => {
    expect(
      servedTimes([interval("d1", 10, 20), interval("d2", 20, 50), interval("d1", 50, null)], 100),
    ).toEqual([
      { deploymentId: "d1", servedMs: 60, live: true },
      { deploymentId: "d2", servedMs: 30, live: false },
    ]);
  });
});
