import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { podView } from "./pod-view.js";

const base = { deploymentId: "d1", idx: 0, port: 8080 };

function pod(status: V1Pod["status"], deleting = false): V1Pod {
  return {
    metadata: { name: "web-v1-abc-12345", ...(deleting && { deletionTimestamp: new Date() }) },
    status,
  };
}

const running = (ready: boolean, restartCount = 0): V1Pod["status"] => ({
  phase: "Running",
  podIP: "10.1.2.3",
  conditions: [
    { type: "Ready", status: ready ? "True" : "False", message: ready ? undefined : "probe failed" },
  ],
  containerStatuses: [
    {
      name: "app",
      image: "x",
      imageID: "",
      ready,
      restartCount,
      state: { running: { startedAt: new Date(1000) } },
    },
  ],
});

describe("podView", () => {
  it("is a healthy running instance at the pod IP once Ready, with the container's restarts", () => {
    const v = podView(pod(running(true, 2)), base);
    expect(v).toMatchObject({
      id: "web-v1-abc-12345",
      nativeId: "web-v1-abc-12345",
      state: "running",
      health: "healthy",
      host: "10.1.2.3",
      port: 8080,
      restarts: 2,
      startedAt: 1000,
      lastHealthError: "",
    });
  });

  it("is unknown before its first Ready, and unhealthy when Ready is lost", () => {
    const starting = podView(pod(running(false)), base);
    expect(starting.health).toBe("unknown");
    const healthy = podView(pod(running(true)), base, starting);
    const lost = podView(pod(running(false)), base, healthy);
    expect([lost.state, lost.health, lost.lastHealthError]).toEqual(["running", "unhealthy", "probe failed"]);
  });

  it("is crashed in a crash loop or a failed pull, naming the reason", () => {
    const v = podView(
      pod({
        phase: "Pending",
        containerStatuses: [
          {
            name: "app",
            image: "x",
            imageID: "",
            ready: false,
            restartCount: 4,
            state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
            lastState: { terminated: { exitCode: 1 } },
          },
        ],
      }),
      base,
    );
    expect([v.state, v.health, v.lastHealthError, v.restarts]).toEqual([
      "crashed",
      "unhealthy",
      "CrashLoopBackOff: back-off 40s",
      4,
    ]);
  });

  it("is starting while pending, stopped while deleted, and keeps a port the entrypoint moved the app to", () => {
    expect(podView(pod({ phase: "Pending" }), base).state).toBe("starting");
    expect(podView(pod(running(true), true), base).state).toBe("stopped");
    const moved = { ...podView(pod(running(true)), base), port: 9090 };
    expect(podView(pod(running(true)), base, moved).port).toBe(9090);
  });
});
