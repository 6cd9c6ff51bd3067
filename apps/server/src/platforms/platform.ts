/** Health check settings of a deployment (from berth.hcl). */
export interface HealthCheckSpec {
  /** HTTP path to GET; "" means a TCP connect check. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
}

/** What a platform needs to run (and later re-run) a deployment. Stored as deployments.spec_json. */
export interface DeploymentSpec {
  deploymentId: string;
  project: string;
  app: string;
  seq: number;
  command: string;
  count: number;
  /** berth.hcl `max_parallel`: instances replaced at once (config rollouts; an engine's own update, like Nomad's). */
  maxParallel?: number;
  health: HealthCheckSpec;
  /** Artifact file (tar.gz) to unpack. */
  artifactPath: string;
  /** The platform that runs it (berth.hcl `deploy { use "<name>" }`); absent: "process". */
  platform?: string;
  /** The platform's own berth.hcl attributes (docker: image, socket, memory, cpus, server_addr). */
  options?: Record<string, string | number>;
}

export type InstanceState = "starting" | "running" | "crashed" | "stopped";
export type InstanceHealth = "unknown" | "healthy" | "unhealthy";

/** A live view of one instance, as the router and the runtime (logs/exec) need it. */
export interface InstanceView {
  id: string;
  deploymentId: string;
  idx: number;
  state: InstanceState;
  health: InstanceHealth;
  /** Where the router reaches the instance (a pod or allocation address); absent: 127.0.0.1 (this host). */
  host?: string;
  port: number;
  pid: number;
  restarts: number;
  startedAt: number | null;
  lastHealthError: string;
  /** Exit code of the instance's latest exit (128 + n for signal n); absent while it has not exited or it is unknown. */
  exitCode?: number;
  /** Working directory of the app (the unpacked artifact). */
  cwd: string;
  /** File receiving the process's stdout and stderr. */
  logFile: string;
  /** The engine's own name for the instance (container id, pod name, allocation id); absent for a process. */
  nativeId?: string;
}

/** One line of an instance's output as its engine kept it (the fallback when no entrypoint is connected). */
export interface NativeLogLine {
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface NativeLogOptions {
  /** How many of the newest lines to start with. */
  tailLines: number;
  /** Keep following new lines until `signal` aborts (or the instance ends). */
  follow: boolean;
  signal: AbortSignal;
}

export interface NativeExecRequest {
  args: string[];
  tty: boolean;
  cols: number;
  rows: number;
}

/** A command running inside an instance through its engine (Docker exec, Kubernetes exec, Nomad alloc exec). */
export interface NativeExec {
  /** Output as it arrives; without a TTY, stdout and stderr are told apart. Ends when the command does. */
  output: AsyncIterable<{ stream: "stdout" | "stderr"; data: Uint8Array }>;
  write(data: Uint8Array): void;
  /** Ends the command's stdin. */
  closeInput(): void;
  resize(cols: number, rows: number): void;
  /** The command's exit code once it has ended. */
  exit: Promise<{ code: number }>;
  /** Ends the command (the client went away). */
  kill(): void;
}

/** What a resume did with the instances it found. */
export interface ResumeCounts {
  /** Live processes taken over from the previous server. */
  adopted: number;
  /** Instances started afresh (their process was gone). */
  started: number;
}

/**
 * A deploy platform. The process platform runs instances on this host; others (Docker, Nomad,
 * Kubernetes) would hand them to an engine. Adding one is adding a folder that implements this.
 */
export interface Platform {
  readonly name: string;
  /** Unpacks the artifact and starts the instances; resolves once they are spawned (not yet healthy). */
  deploy(spec: DeploymentSpec, signal: AbortSignal): Promise<void>;
  /** Stops a deployment's instances for good. */
  destroy(deploymentId: string): Promise<void>;
  /**
   * Starts or stops instances of a running deployment until it has `spec.count` (new ones take the next slots,
   * the highest slots stop first); resolves once they are spawned or stopped. Absent: the platform cannot.
   */
  scale?(spec: DeploymentSpec): Promise<void>;
  /** Instances of a deployment, as last observed. */
  instances(deploymentId: string): InstanceView[];
  /** The deployments this platform runs instances of now (what the route table lists). */
  liveDeployments(): string[];
  /**
   * After a server start: re-adopt live instances (the normal case: apps outlive the server) and restart the
   * others of these deployments.
   */
  resume(specs: DeploymentSpec[]): Promise<ResumeCounts>;
  /**
   * An instance's entrypoint replaced its app (a config change, surge-first) with one on `port`: traffic and
   * health checks move there at once, and it counts as a restart. False for an unknown instance or no change.
   */
  setInstancePort(instanceId: string, port: number): boolean;
  /**
   * Server shutdown. By default the instances are left running (only probes and timers stop, pending
   * instance-row writes are flushed): the next server re-adopts them. `stopInstances` stops them too
   * (SIGTERM, then SIGKILL after the grace period): `berth server run --stop-apps-on-exit`, tests.
   */
  close(options?: { stopInstances?: boolean }): Promise<void>;
  /**
   * The server renewed an instance's entrypoint token (over its session, at half-life). A platform that keeps the
   * token where a restarted instance reads it (a Kubernetes Secret, a Nomad Variable) writes the new one there, so
   * an instance restarted after the first token's lifetime still gets in. Absent: nothing kept (a process gets a
   * fresh token at each start).
   */
  tokenRenewed?(deploymentId: string, instanceId: string, secret: string): Promise<void>;
  /**
   * The app's release now sends its traffic (all of it, or the largest share of a split) to this deployment: a
   * platform with a releaser of its own (a Kubernetes Service re-pointed at the released pods) follows it. Berth's
   * router serves the release either way. Absent: nothing to do.
   */
  released?(deploymentId: string): Promise<void>;
  /** Called after any instance of the deployment changes state or health. */
  onChange(listener: (deploymentId: string) => void): () => void;
  /**
   * Platform-native logs of an instance (Docker logs API, Kubernetes pod log, Nomad fs/logs): used only when the
   * instance's entrypoint is not connected (Waypoint's order: entrypoint first, platform second). Absent: none.
   */
  nativeLogs?(instanceId: string, options: NativeLogOptions): AsyncIterable<NativeLogLine>;
  /** Platform-native exec into an instance, the same fallback for the terminal. Absent: none. */
  nativeExec?(instanceId: string, request: NativeExecRequest, signal: AbortSignal): Promise<NativeExec>;
}
