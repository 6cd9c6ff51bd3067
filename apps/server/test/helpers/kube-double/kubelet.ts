import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { WebSocket } from "ws";

/** A pod as the double stores it (the JSON the API serves). */
export interface PodObject {
  metadata: { name: string; namespace: string; labels: Record<string, string>; [k: string]: unknown };
  spec: { containers: ContainerSpec[]; [k: string]: unknown };
  status: Record<string, unknown>;
}

interface ContainerSpec {
  name: string;
  image: string;
  ports?: { containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
  }[];
  readinessProbe?: {
    httpGet?: { path?: string; port: number | string };
    tcpSocket?: { port: number | string };
    periodSeconds?: number;
  };
}

/** One running "container": an HTTP server on the pod's own loopback address. */
interface Runtime {
  pod: PodObject;
  ip: string;
  port: number;
  env: Record<string, string>;
  server: Server;
  log: { atMs: number; text: string }[];
  followers: Set<(line: { atMs: number; text: string }) => void>;
  children: Set<ChildProcess>;
  timer?: NodeJS.Timeout;
  healthy: boolean;
}

export interface KubeletHooks {
  /** The pod's status changed (the API double records a MODIFIED event). */
  changed(pod: PodObject): void;
  /** A Secret's decoded data, undefined when it does not exist. */
  secret(namespace: string, name: string): Record<string, string> | undefined;
  /** Whether an image can be pulled ("registry" of the double). */
  pullable(image: string): boolean;
}

let nextHost = 2;

/**
 * The double's kubelet: each pod of a Deployment becomes an in-process HTTP server on its own loopback address
 * 127.0.0.N (all of 127/8 is loopback on Linux), listening on the container port, so the real router reaches it at
 * the pod IP Berth reports. It answers `/` and the readiness probe's path, keeps log lines for the log endpoint,
 * and runs exec commands as real child processes behind the exec WebSocket.
 */
export class Kubelet {
  readonly runtimes = new Map<string, Runtime>();
  /** Terminal sizes received on exec channel 4, in order. */
  readonly resizes: { pod: string; width: number; height: number }[] = [];

  constructor(private readonly hooks: KubeletHooks) {}

  /** Starts a new pod's container: image pull, env (secretKeyRef, fieldRef), the server, readiness. */
  async start(pod: PodObject): Promise<void> {
    const c = pod.spec.containers[0]!;
    const waiting = (reason: string, message: string) => {
      pod.status = {
        ...pod.status,
        phase: "Pending",
        containerStatuses: [
          {
            name: c.name,
            image: c.image,
            ready: false,
            restartCount: 0,
            started: false,
            state: { waiting: { reason, message } },
          },
        ],
      };
      this.hooks.changed(pod);
    };
    if (!this.hooks.pullable(c.image))
      return waiting("ErrImagePull", `failed to pull and unpack image "${c.image}": not found`);
    const env = this.containerEnv(pod);
    if (typeof env === "string") return waiting("CreateContainerConfigError", env);
    const port = c.ports?.[0]?.containerPort ?? 80;
    const rt: Runtime = {
      pod,
      ip: "",
      port,
      env,
      server: createServer(),
      log: [],
      followers: new Set(),
      children: new Set(),
      healthy: true,
    };
    const healthPath = c.readinessProbe?.httpGet?.path;
    rt.server.on("request", (req, res) => {
      const path = new URL(req.url ?? "/", "http://pod").pathname;
      const ok = path === "/" || (path === healthPath && rt.healthy);
      res.writeHead(ok ? 200 : path === healthPath ? 503 : 404, { "content-type": "text/plain" });
      res.end(
        path === "/"
          ? `pod=${pod.metadata.name} instance=${env.BERTH_INSTANCE_ID ?? ""} v=${env.V ?? ""}\n`
          : ok
            ? "ok\n"
            : "no\n",
      );
      if (path !== healthPath) this.logLine(rt, `${req.method} ${path} ${res.statusCode}`);
    });
    rt.ip = await this.listen(rt.server, port);
    this.runtimes.set(pod.metadata.name, rt);
    this.logLine(rt, `listening on ${rt.ip}:${port}`);
    pod.status = {
      ...pod.status,
      phase: "Running",
      podIP: rt.ip,
      podIPs: [{ ip: rt.ip }],
      conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady" }],
      containerStatuses: [
        {
          name: c.name,
          image: c.image,
          ready: false,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: new Date().toISOString() } },
        },
      ],
    };
    this.hooks.changed(pod);
    this.probe(rt);
  }

  /** The container's env as the kubelet resolves it at each container start; a string says why it cannot. */
  private containerEnv(pod: PodObject): Record<string, string> | string {
    const env: Record<string, string> = {};
    for (const e of pod.spec.containers[0]?.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef)
        env[e.name] =
          e.valueFrom.fieldRef.fieldPath === "metadata.name" ? pod.metadata.name : pod.metadata.namespace;
      else if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef;
        const value = this.hooks.secret(pod.metadata.namespace, ref.name)?.[ref.key];
        if (value === undefined) return `secret "${ref.name}" not found or has no key "${ref.key}"`;
        env[e.name] = value;
      }
    }
    return env;
  }

  /** Makes a pod's readiness path fail (or pass again); the next probe changes its Ready condition. */
  setHealthy(podName: string, healthy: boolean): void {
    const rt = this.runtimes.get(podName);
    if (rt) rt.healthy = healthy;
  }

  /**
   * The container exits with `exitCode` and the kubelet starts it again (restartPolicy Always): first a waiting
   * container with its last termination, then a running one with restartCount one higher, Ready again once probed.
   */
  async crash(podName: string, exitCode: number): Promise<void> {
    const rt = this.runtimes.get(podName);
    if (!rt) throw new Error(`no running pod ${podName}`);
    clearTimeout(rt.timer);
    rt.server.closeAllConnections();
    await new Promise((resolve) => rt.server.close(resolve));
    const [before] = rt.pod.status.containerStatuses as { restartCount: number }[];
    const restartCount = (before?.restartCount ?? 0) + 1;
    const c = rt.pod.spec.containers[0]!;
    const last = { terminated: { exitCode, reason: "Error", finishedAt: new Date().toISOString() } };
    rt.pod.status = {
      ...rt.pod.status,
      conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady" }],
      containerStatuses: [
        {
          name: c.name,
          image: c.image,
          ready: false,
          restartCount,
          started: false,
          state: {
            waiting: { reason: "CrashLoopBackOff", message: "back-off 10s restarting failed container" },
          },
          lastState: last,
        },
      ],
    };
    this.hooks.changed(rt.pod);
    // The restarted container's env is resolved again: a Secret changed meanwhile is what it reads.
    const env = this.containerEnv(rt.pod);
    if (typeof env !== "string") rt.env = env;
    await new Promise<void>((resolve) => rt.server.listen(rt.port, rt.ip, resolve));
    this.logLine(rt, `listening on ${rt.ip}:${rt.port}`);
    rt.pod.status = {
      ...rt.pod.status,
      containerStatuses: [
        {
          name: c.name,
          image: c.image,
          ready: false,
          restartCount,
          started: true,
          state: { running: { startedAt: new Date().toISOString() } },
          lastState: last,
        },
      ],
    };
    this.hooks.changed(rt.pod);
    this.probe(rt);
  }

  private probe(rt: Runtime): void {
    const c = rt.pod.spec.containers[0]!;
    const p = c.readinessProbe;
    const run = async () => {
      let ready = true;
      if (p?.httpGet)
        ready = await fetch(`http://${rt.ip}:${rt.port}${p.httpGet.path ?? "/"}`, {
          signal: AbortSignal.timeout(1000),
        })
          .then((r) => r.ok)
          .catch(() => false);
      else if (p?.tcpSocket)
        ready = await new Promise<boolean>((resolve) => {
          const s = connect(rt.port, rt.ip, () => resolve(s.end() !== undefined)).on("error", () =>
            resolve(false),
          );
        });
      if (!this.runtimes.has(rt.pod.metadata.name)) return;
      const statuses = rt.pod.status.containerStatuses as { ready: boolean }[];
      if (statuses[0]!.ready !== ready) {
        statuses[0]!.ready = ready;
        rt.pod.status.conditions = [
          {
            type: "Ready",
            status: ready ? "True" : "False",
            ...(!ready && { reason: "ContainersNotReady", message: "containers with unready status: [app]" }),
          },
        ];
        this.hooks.changed(rt.pod);
      }
      // Faster than a real kubelet (periodSeconds) so that tests do not wait on it.
      rt.timer = setTimeout(run, 200);
      rt.timer.unref();
    };
    void run();
  }

  /** The pod's container stopped for good (its pod was deleted). */
  stop(podName: string): void {
    const rt = this.runtimes.get(podName);
    if (!rt) return;
    this.runtimes.delete(podName);
    clearTimeout(rt.timer);
    rt.server.close();
    rt.server.closeAllConnections();
    for (const child of rt.children) child.kill("SIGKILL");
    for (const f of rt.followers) f({ atMs: -1, text: "" });
  }

  logLine(rt: Runtime, text: string): void {
    const line = { atMs: Date.now(), text };
    rt.log.push(line);
    for (const f of rt.followers) f(line);
  }

  private async listen(server: Server, port: number): Promise<string> {
    for (let tries = 0; tries < 200; tries++) {
      const ip = `127.0.0.${nextHost}`;
      nextHost = nextHost >= 254 ? 2 : nextHost + 1;
      const ok = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(port, ip, () => resolve(true));
      });
      if (ok) return ip;
    }
    throw new Error(`no free 127.0.0.N address for port ${port}`);
  }

  /**
   * Runs an exec over an upgraded WebSocket (channel.k8s.io framing: a channel byte, then data): 0 stdin, 1 stdout,
   * 2 stderr, 3 the final Status, 4 terminal sizes; v5 adds 255 (close a stream: [255, 0] ends stdin).
   */
  exec(ws: WebSocket, podName: string, command: string[], tty: boolean): void {
    const rt = this.runtimes.get(podName)!;
    const child = spawn(command[0]!, command.slice(1), {
      env: { PATH: process.env.PATH ?? "", ...rt.env },
      stdio: "pipe",
    });
    rt.children.add(child);
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
    };
    child.stdout.on("data", (d: Buffer) => send(1, d));
    // A TTY has one output stream: the kubelet merges stderr into it.
    child.stderr.on("data", (d: Buffer) => send(tty ? 1 : 2, d));
    child.on("error", (err) => {
      send(
        3,
        Buffer.from(
          JSON.stringify({ metadata: {}, status: "Failure", message: err.message, reason: "InternalError" }),
        ),
      );
      ws.close();
    });
    child.on("close", (code, sig) => {
      rt.children.delete(child);
      const exit = code ?? (sig ? 128 + 9 : 1);
      const status =
        exit === 0
          ? { metadata: {}, status: "Success" }
          : {
              metadata: {},
              status: "Failure",
              message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${exit}`,
              reason: "NonZeroExitCode",
              details: { causes: [{ reason: "ExitCode", message: String(exit) }] },
            };
      send(3, Buffer.from(JSON.stringify(status)));
      ws.close(1000);
    });
    ws.on("message", (raw: Buffer) => {
      const channel = raw[0];
      const data = raw.subarray(1);
      if (channel === 0) child.stdin.write(data);
      else if (channel === 255 && data[0] === 0 && ws.protocol === "v5.channel.k8s.io") child.stdin.end();
      else if (channel === 4) {
        // Go decodes the size case-insensitively: {"Width":..,"Height":..} and {"width":..,"height":..} both work.
        const size = Object.fromEntries(
          Object.entries(JSON.parse(data.toString()) as object).map(([k, v]) => [k.toLowerCase(), v]),
        );
        this.resizes.push({ pod: podName, width: Number(size.width), height: Number(size.height) });
      }
    });
    ws.on("close", () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
  }

  /** Every kept log line of a pod, and a way to follow new ones (an atMs of -1 means the container ended). */
  logOf(podName: string): Runtime | undefined {
    return this.runtimes.get(podName);
  }
}
