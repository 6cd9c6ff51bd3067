import type { V1Pod } from "@kubernetes/client-node";
import type { InstanceHealth, InstanceState, InstanceView } from "../platform.js";
import { containerName } from "./deployment-manifest.js";

/** Waiting reasons that will not pass by themselves: the instance counts as crashed. */
const stuck = new Set([
  "CrashLoopBackOff",
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

/**
 * An instance as its pod shows it: the pod IP is where the router reaches it, the Ready condition (the kubelet's
 * readiness probe) its health, the container's restartCount its restarts, the phase its state. `prev` is the
 * instance as last seen (a pod that was Ready and no longer is turns unhealthy; before its first Ready it is
 * unknown) and keeps a port the entrypoint moved the app to.
 */
export function podView(
  pod: V1Pod,
  base: { deploymentId: string; idx: number; port: number },
  prev?: InstanceView,
): InstanceView {
  const name = pod.metadata?.name ?? "";
  const status = pod.status;
  const container = status?.containerStatuses?.find((c) => c.name === containerName);
  const waiting = container?.state?.waiting;
  const terminated = container?.state?.terminated ?? container?.lastState?.terminated;
  const ready = status?.conditions?.find((c) => c.type === "Ready");

  let state: InstanceState;
  let why = "";
  if (pod.metadata?.deletionTimestamp) state = "stopped";
  else if (waiting?.reason && stuck.has(waiting.reason)) {
    state = "crashed";
    why = `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}`;
  } else if (status?.phase === "Running" && container?.state?.running) state = "running";
  else if (status?.phase === "Failed") state = "crashed";
  else if (status?.phase === "Succeeded") state = "stopped";
  else state = "starting";
  if (!why && terminated && state !== "running")
    why = `container exited with code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}`;

  let health: InstanceHealth;
  if (state === "running" && ready?.status === "True") health = "healthy";
  else if (state === "crashed" || (prev?.health === "healthy" && state === "running")) health = "unhealthy";
  else health = prev?.health === "unhealthy" ? "unhealthy" : "unknown";
  if (!why && health === "unhealthy" && ready?.message) why = ready.message;

  const startedAt = container?.state?.running?.startedAt;
  return {
    id: name,
    deploymentId: base.deploymentId,
    idx: base.idx,
    state,
    health,
    ...(status?.podIP && { host: status.podIP }),
    port: prev?.port ?? base.port,
    pid: 0,
    restarts: container?.restartCount ?? 0,
    startedAt: startedAt ? new Date(startedAt).getTime() : null,
    lastHealthError: health === "healthy" ? "" : why,
    ...(terminated && { exitCode: terminated.exitCode }),
    cwd: "",
    logFile: "",
    nativeId: name,
  };
}
