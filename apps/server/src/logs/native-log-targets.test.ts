import { describe, expect, it } from "vitest";
import type { EntrypointSession } from "../entrypoint/session-registry.js";
import { createSessionRegistry } from "../entrypoint/session-registry.js";
import type { InstanceView, Platform } from "../platforms/platform.js";
import { nativeLogTargets } from "./native-log-targets.js";

/** The two parts of a platform nativeLogTargets reads: its instances and whether it has native logs. */
function platformWith(views: Partial<InstanceView>[], nativeLogs = true): Platform {
  return {
    instances: (id: string) => views.filter((v) => v.deploymentId === id) as InstanceView[],
    ...(nativeLogs && { nativeLogs: () => (async function* () {})() }),
  } as unknown as Platform;
}

function connect(
  sessions: ReturnType<typeof createSessionRegistry>,
  instanceId: string,
  deploymentId: string,
) {
  sessions.add({ instanceId, deploymentId, close() {}, send() {} } as unknown as EntrypointSession);
}

describe("nativeLogTargets", () => {
  const views = [
    { id: "a", deploymentId: "d", nativeId: "c-a" },
    { id: "b", deploymentId: "d", nativeId: "c-b" },
  ];

  it("reads a deployment from its engine only when none of its entrypoints is connected", () => {
    const sessions = createSessionRegistry();
    expect(nativeLogTargets(platformWith(views), sessions, "d", "")).toEqual(["a", "b"]);
    connect(sessions, "a", "d");
    expect(nativeLogTargets(platformWith(views), sessions, "d", "")).toBeUndefined();
  });

  it("reads one instance from its engine when its own entrypoint is not connected", () => {
    const sessions = createSessionRegistry();
    connect(sessions, "a", "d");
    expect(nativeLogTargets(platformWith(views), sessions, "d", "a")).toBeUndefined();
    expect(nativeLogTargets(platformWith(views), sessions, "d", "b")).toEqual(["b"]);
  });

  it("keeps to the server's store for processes, unknown instances and platforms without native logs", () => {
    const sessions = createSessionRegistry();
    expect(
      nativeLogTargets(platformWith([{ id: "p", deploymentId: "d" }]), sessions, "d", ""),
    ).toBeUndefined();
    expect(nativeLogTargets(platformWith(views), sessions, "d", "gone")).toBeUndefined();
    expect(nativeLogTargets(platformWith(views, false), sessions, "d", "a")).toBeUndefined();
  });
});
