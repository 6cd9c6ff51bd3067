import type { InstanceHealth, InstanceState } from "../platform.js";

/** The fields of an allocation list stub (GET /v1/job/:id/allocations) Berth reads. */
export interface AllocStub {
  ID: string;
  /** `<job>.<group>[<index>]`: the index is the instance's slot. */
  Name: string;
  ClientStatus: string;
  DesiredStatus: string;
  CreateIndex: number;
  ModifyIndex: number;
  DeploymentStatus?: { Healthy?: boolean | null } | null;
  TaskStates?: Record<
    string,
    { State?: string; Restarts?: number; StartedAt?: string | null; Events?: TaskEvent[] | null }
  > | null;
}

/** A task event (Nomad keeps the latest ten per task); a `Terminated` one carries the exit code. */
export interface TaskEvent {
  Type?: string;
  /** Unix nanoseconds. */
  Time?: number;
  ExitCode?: number;
  /** Nomad's details as strings: `exit_code`, `signal`, ... */
  Details?: Record<string, string> | null;
}

/** The part of an allocation (GET /v1/allocation/:id) that says where it listens. */
export interface AllocDetail {
  ID: string;
  AllocatedResources?: {
    Shared?: {
      Ports?: { Label: string; Value: number; HostIP?: string }[] | null;
      Networks?: { IP?: string; DynamicPorts?: { Label: string; Value: number }[] | null }[] | null;
    } | null;
  } | null;
}

/** An allocation's slot (the `[n]` of its name); -1 when the name has none. */
export function allocIndex(name: string): number {
  const m = /\[(\d+)\]$/.exec(name);
  return m ? Number(m[1]) : -1;
}

const live = (a: AllocStub) =>
  a.DesiredStatus === "run" && !["complete", "failed", "lost"].includes(a.ClientStatus);

/**
 * The allocation standing for each of `count` slots: the newest one Nomad wants running, else the newest of any
 * (a failed one shows as a crashed instance). Replaced and canary-superseded allocations are left out.
 */
export function currentAllocs(stubs: AllocStub[], count: number): (AllocStub | undefined)[] {
  return Array.from({ length: count }, (_, idx) => {
    const mine = stubs
      .filter((a) => allocIndex(a.Name) === idx)
      .sort((a, b) => b.CreateIndex - a.CreateIndex);
    return mine.find(live) ?? mine[0];
  });
}

/** Berth's state of an allocation, from its ClientStatus. */
export function allocState(a: AllocStub): InstanceState {
  switch (a.ClientStatus) {
    case "running":
      return "running";
    case "pending":
      return "starting";
    case "complete":
      return "stopped";
    default:
      return "crashed"; // failed, lost, unknown
  }
}

/** Health as Nomad's deployment saw it (its service checks); undefined when it has not said (Berth probes). */
export function allocHealth(a: AllocStub): InstanceHealth | undefined {
  const h = a.DeploymentStatus?.Healthy;
  return typeof h === "boolean" ? (h ? "healthy" : "unhealthy") : undefined;
}

/** Restarts of the allocation's tasks, added up. */
export function allocRestarts(a: AllocStub): number {
  return Object.values(a.TaskStates ?? {}).reduce((n, t) => n + (t.Restarts ?? 0), 0);
}

/** The exit code of the allocation's latest task exit (its newest `Terminated` event); undefined when none. */
export function allocExitCode(a: AllocStub): number | undefined {
  let latest: TaskEvent | undefined;
  for (const task of Object.values(a.TaskStates ?? {}))
    for (const e of task.Events ?? [])
      if (e.Type === "Terminated" && (latest === undefined || (e.Time ?? 0) >= (latest.Time ?? 0)))
        latest = e;
  if (!latest) return undefined;
  const detail = latest.Details?.exit_code;
  const code = detail !== undefined && /^\d+$/.test(detail) ? Number(detail) : latest.ExitCode;
  return typeof code === "number" && Number.isInteger(code) ? code : undefined;
}

/** Where the allocation's "http" port is reached: the port mapping, else the (older) network's dynamic port. */
export function allocAddress(d: AllocDetail): { host: string; port: number } | undefined {
  const shared = d.AllocatedResources?.Shared;
  const port = shared?.Ports?.find((p) => p.Label === "http");
  if (port?.HostIP && port.Value > 0) return { host: port.HostIP, port: port.Value };
  for (const net of shared?.Networks ?? []) {
    const dyn = net.DynamicPorts?.find((p) => p.Label === "http");
    if (dyn && net.IP && dyn.Value > 0) return { host: net.IP, port: dyn.Value };
  }
  return undefined;
}
