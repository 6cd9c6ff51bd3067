import { HealthState, InstanceSchema, InstanceState } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { rolloutProgress, rolloutText } from "./rollout-progress.js";

const instance = (
  configRevision: number,
  more: { state?: InstanceState; health?: HealthState; connected?: boolean; configError?: string } = {},
) =>
  create(InstanceSchema, {
    configRevision,
    state: InstanceState.RUNNING,
    health: HealthState.HEALTHY,
    connected: true,
    ...more,
  });

describe("rolloutProgress", () => {
  it("says all run the revision only when every instance runs it, healthy and connected", () => {
    expect(rolloutText(5, rolloutProgress([instance(5), instance(6)], 5))).toBe(
      "Revision 5 saved: all 2 instances run it.",
    );
    for (const lagging of [
      instance(4),
      instance(5, { state: InstanceState.STARTING }),
      instance(5, { health: HealthState.UNHEALTHY }),
      instance(5, { connected: false }),
    ])
      expect(rolloutText(5, rolloutProgress([instance(5), lagging], 5))).toBe(
        "Revision 5 saved: 1 of 2 instances restarting with it…",
      );
  });

  it("names the instances that could not apply it", () => {
    const p = rolloutProgress(
      [instance(5), instance(4, { configError: "config revision 5 could not be applied" })],
      5,
    );
    expect(p).toEqual({ total: 2, done: 1, failed: 1 });
    expect(rolloutText(5, p)).toBe(
      "Revision 5 saved: 1 of 2 instances could not apply it and keep their previous config.",
    );
  });
});
