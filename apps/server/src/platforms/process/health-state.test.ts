import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  aggregateHealth,
  type HealthTracker,
  nextHealth,
  restartDelayMs,
  startupFailureThreshold,
} from "./health-state.js";

describe("health state", () => {
  it("a pass always makes an instance healthy", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean()), (probes) => {
        let t: HealthTracker = { health: "unknown", failures: 0 };
        for (const p of probes) t = nextHealth(t, p);
        return t.health === "healthy" ? true : nextHealth(t, true).health === "healthy";
      }),
    );
  });
  it("needs several failures to leave unknown, fewer to leave healthy", () => {
    let t: HealthTracker = { health: "unknown", failures: 0 };
    for (let i = 1; i < startupFailureThreshold; i++) t = nextHealth(t, false);
    expect(t.health).toBe("unknown");
    expect(nextHealth(t, false).health).toBe("unhealthy");
    const healthy = nextHealth(t, true);
    expect(nextHealth(healthy, false).health).toBe("healthy");
    expect(nextHealth(nextHealth(healthy, false), false).health).toBe("unhealthy");
  });
  it("backs off restarts up to 30 s", () => {
    fc.assert(
      fc.property(
        fc.nat(100),
        (n) => restartDelayMs(n) <= 30_000 && restartDelayMs(n) >= restartDelayMs(Math.max(0, n - 1)),
      ),
    );
  });
  it("aggregates: healthy only when every instance is", () => {
    expect(
      aggregateHealth([
        { state: "running", health: "healthy" },
        { state: "crashed", health: "unhealthy" },
      ]),
    ).toBe("unhealthy");
    expect(aggregateHealth([{ state: "running", health: "healthy" }])).toBe("healthy");
    expect(aggregateHealth([])).toBe("unknown");
  });
});
