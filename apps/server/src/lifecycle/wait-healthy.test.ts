import { describe, expect, it } from "vitest";
import type { InstanceView, Platform } from "../platforms/platform.js";
import { waitHealthy } from "./wait-healthy.js";

/**
 * Just the two Platform members waitHealthy reads, driven by the test: the wait logic is what is under test here
 * (the real platforms are exercised through it by apps/cli/test/fail-fast.test.ts and docker-fail-fast.test.ts).
 */
function views(initial: Partial<InstanceView>[]) {
  let list: InstanceView[] = initial.map((p, idx) => ({
    id: `i${idx}`,
    deploymentId: "d",
    idx,
    state: "running",
    health: "unknown",
    port: 1,
    pid: 1,
    restarts: 0,
    startedAt: 1,
    lastHealthError: "",
    cwd: "",
    logFile: "",
    ...p,
  }));
  const listeners = new Set<(id: string) => void>();
  const platform = {
    instances: () => list.map((v) => ({ ...v })),
    onChange(l: (id: string) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as Platform;
  const set = (idx: number, patch: Partial<InstanceView>) => {
    list = list.map((v) => (v.idx === idx ? { ...v, ...patch } : v));
    for (const l of listeners) l("d");
  };
  return { platform, set, listeners };
}

const never = new AbortController().signal;

describe("waitHealthy", () => {
  it("ends on the third exit of an instance that was never healthy, and lets go of the platform", async () => {
    const { platform, set, listeners } = views([{}, {}]);
    const wait = waitHealthy(platform, "d", 60_000, never);
    set(1, { state: "crashed" });
    set(1, { state: "running", restarts: 1 });
    set(1, { state: "crashed" });
    set(1, { state: "running", restarts: 2 });
    set(1, { state: "crashed", exitCode: 3 });
    const result = await wait;
    expect(result.outcome).toBe("crash-loop");
    expect(result.outcome === "crash-loop" && [result.instance.idx, result.instance.exitCode]).toEqual([
      1, 3,
    ]);
    expect(listeners.size).toBe(0);
  });

  it("keeps waiting for an instance that was healthy once, until all are healthy", async () => {
    const { platform, set } = views([{}, {}]);
    const wait = waitHealthy(platform, "d", 60_000, never);
    set(0, { health: "healthy" });
    set(0, { state: "crashed", health: "unhealthy", restarts: 5 });
    set(0, { state: "running", health: "healthy", restarts: 6 });
    set(1, { health: "healthy" });
    expect(await wait).toEqual({ outcome: "healthy" });
  });

  it("times out, and is cancelled by its signal", async () => {
    expect(await waitHealthy(views([{}]).platform, "d", 20, never)).toEqual({ outcome: "timeout" });
    const ac = new AbortController();
    const wait = waitHealthy(views([{}]).platform, "d", 60_000, ac.signal);
    ac.abort();
    expect(await wait).toEqual({ outcome: "cancelled" });
  });
});
