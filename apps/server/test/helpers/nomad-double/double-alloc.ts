// One allocation of the Nomad double's "client": a REAL child process run with raw_exec semantics (the task's
// command and args, Nomad's env interpolation, NOMAD_* variables, a dynamic port on 127.0.0.1, stdout/stderr to
// alloc/logs/<task>.stdout.0 like Nomad's logmon), restarted in place twice before it counts as failed (the
// service default restart policy, with a short delay), and judged healthy once its service check passes.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { probeHealth } from "../../../src/platforms/process/health-probe.js";

export interface DoubleTask {
  Name: string;
  Driver: string;
  Config?: { command?: string; args?: string[] };
  Env?: Record<string, string> | null;
  Templates?: { EmbeddedTmpl?: string; Envvars?: boolean }[] | null;
}

export interface DoubleCheck {
  Type?: string;
  Path?: string;
  Interval?: number;
}

const restartAttempts = 2;
// The agent's own secrets never reach a task (Nomad's default env denylist).
const denied = new Set(["NOMAD_TOKEN", "VAULT_TOKEN", "CONSUL_TOKEN", "CONSUL_HTTP_TOKEN"]);

/** The one template shape the double renders: a Nomad Variable item picked by the allocation's index. */
const tokenTemplate =
  /^\{\{ with nomadVar "([^"]+)" \}\}(\w+)=\{\{ index \. \(printf "([\w-]*)%s" \(env "(\w+)"\)\) \}\}\{\{ end \}\}\n?$/;

/** Nomad's `${VAR}` interpolation against the task's own variables (unknown ones stay as written). */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{([\w.-]+)\}/g, (all, name: string) => vars[name] ?? all);
}

export class DoubleAlloc {
  ClientStatus = "pending";
  DesiredStatus = "run";
  Healthy: boolean | undefined;
  Restarts = 0;
  TaskState = "pending";
  /** The task's events as Nomad keeps them (its latest ten); the double records starts and exits. */
  Events: { Type: string; Time: number; ExitCode: number; Details: Record<string, string> }[] = [];
  ModifyIndex: number;
  env: Record<string, string> = {};
  readonly logDir: string;
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(
    readonly ID: string,
    readonly JobID: string,
    readonly TaskGroup: string,
    readonly index: number,
    readonly task: DoubleTask,
    readonly check: DoubleCheck | undefined,
    readonly port: number,
    readonly dir: string,
    readonly CreateIndex: number,
    private readonly variable: (path: string) => Record<string, string> | undefined,
    private readonly changed: (alloc: DoubleAlloc) => void,
  ) {
    this.ModifyIndex = CreateIndex;
    this.logDir = join(dir, "alloc", "logs");
    mkdirSync(this.logDir, { recursive: true });
    mkdirSync(join(dir, task.Name, "secrets"), { recursive: true });
  }

  get Name(): string {
    return `${this.JobID}.${this.TaskGroup}[${this.index}]`;
  }

  logFile(type: "stdout" | "stderr"): string {
    return join(this.logDir, `${this.task.Name}.${type}.0`);
  }

  get terminal(): boolean {
    return ["complete", "failed", "lost"].includes(this.ClientStatus);
  }

  /** The task's environment: the agent's (minus its secrets), NOMAD_*, the rendered template, the job's Env. */
  private taskEnv(): Record<string, string> {
    const nomad: Record<string, string> = {
      NOMAD_ALLOC_ID: this.ID,
      NOMAD_ALLOC_INDEX: String(this.index),
      NOMAD_ALLOC_NAME: this.Name,
      NOMAD_JOB_ID: this.JobID,
      NOMAD_TASK_NAME: this.task.Name,
      NOMAD_ALLOC_DIR: join(this.dir, "alloc"),
      NOMAD_TASK_DIR: join(this.dir, this.task.Name, "local"),
      NOMAD_SECRETS_DIR: join(this.dir, this.task.Name, "secrets"),
      NOMAD_PORT_http: String(this.port),
      NOMAD_IP_http: "127.0.0.1",
      NOMAD_ADDR_http: `127.0.0.1:${this.port}`,
    };
    const host = Object.fromEntries(
      Object.entries(process.env).filter(([k, v]) => v !== undefined && !denied.has(k)),
    ) as Record<string, string>;
    const rendered: Record<string, string> = {};
    for (const t of this.task.Templates ?? []) {
      const m = tokenTemplate.exec(t.EmbeddedTmpl ?? "");
      if (!m) throw new Error(`Template failed: the Nomad double renders only its token template`);
      const [, path, key, prefix, envName] = m;
      const items = this.variable(path!);
      if (!items) throw new Error(`Template failed: nomadVar: variable "${path}" not found`);
      const value = items[`${prefix}${nomad[envName!] ?? ""}`];
      if (t.Envvars && value !== undefined) rendered[key!] = value;
    }
    const own = Object.fromEntries(
      Object.entries(this.task.Env ?? {}).map(([k, v]) => [k, interpolate(v, { ...nomad, ...host })]),
    );
    return { ...host, ...nomad, ...rendered, ...own };
  }

  /** Runs the task (raw_exec: the command and args as given, in the task directory). */
  start(): void {
    if (this.stopping) return;
    if (this.task.Driver !== "raw_exec") {
      this.fail(`driver "${this.task.Driver}" is not on this client`);
      return;
    }
    try {
      this.env = this.taskEnv();
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    const out = openSync(this.logFile("stdout"), "a");
    const err = openSync(this.logFile("stderr"), "a");
    const child = spawn(this.task.Config?.command ?? "", this.task.Config?.args ?? [], {
      cwd: this.dir,
      env: this.env,
      stdio: ["ignore", out, err],
      detached: true,
    });
    closeSync(out);
    closeSync(err);
    this.child = child;
    child.on("error", () => undefined);
    child.on("exit", (code, signal) => this.exited(code, signal));
    this.ClientStatus = "running";
    this.TaskState = "running";
    this.event("Started", 0, {});
    this.changed(this);
    void this.watchCheck(child);
  }

  private fail(reason: string): void {
    this.ClientStatus = "failed";
    this.TaskState = "dead";
    this.Healthy = false;
    this.env = { FAILURE: reason };
    this.changed(this);
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = undefined;
    const signo = signal ? constants.signals[signal] : 0;
    const exitCode = code ?? 128 + signo;
    // Nomad's Terminated event: the exit code and signal in Details (strings), the code also as ExitCode.
    this.event("Terminated", exitCode, { exit_code: String(exitCode), signal: String(signo) });
    if (this.stopping) return;
    if (this.Restarts >= restartAttempts) {
      this.fail("exceeded allowed attempts");
      return;
    }
    this.Restarts++;
    this.TaskState = "pending";
    this.changed(this);
    setTimeout(() => this.start(), 100).unref();
  }

  private event(type: string, exitCode: number, details: Record<string, string>): void {
    const time = Date.now() * 1_000_000;
    this.Events = [...this.Events, { Type: type, Time: time, ExitCode: exitCode, Details: details }].slice(
      -10,
    );
  }

  /** Nomad's deployment watcher: healthy once the service check passes (then Nomad stops looking). */
  private async watchCheck(child: ChildProcess): Promise<void> {
    if (!this.check || this.Healthy !== undefined) return;
    const path = this.check.Type === "http" ? (this.check.Path ?? "/") : "";
    while (this.child === child && !this.stopping) {
      if ((await probeHealth(this.port, path, 1000)) === undefined) {
        this.Healthy = true;
        this.changed(this);
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the task: SIGTERM to its process group, SIGKILL after a second; the allocation completes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.DesiredStatus = "stop";
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 1000);
      await gone;
      clearTimeout(timer);
    }
    this.ClientStatus = "complete";
    this.TaskState = "dead";
    this.changed(this);
  }

  stub() {
    return {
      ID: this.ID,
      EvalID: `${this.ID}-eval`,
      Name: this.Name,
      Namespace: "default",
      NodeID: "double-node",
      NodeName: "double",
      JobID: this.JobID,
      TaskGroup: this.TaskGroup,
      DesiredStatus: this.DesiredStatus,
      ClientStatus: this.ClientStatus,
      DeploymentStatus: this.Healthy === undefined ? null : { Healthy: this.Healthy, Canary: false },
      TaskStates: {
        [this.task.Name]: {
          State: this.TaskState,
          Failed: this.ClientStatus === "failed",
          Restarts: this.Restarts,
          Events: this.Events,
        },
      },
      CreateIndex: this.CreateIndex,
      ModifyIndex: this.ModifyIndex,
    };
  }

  detail() {
    return {
      ...this.stub(),
      AllocatedResources: {
        Shared: {
          Ports: [{ Label: "http", Value: this.port, To: 0, HostIP: "127.0.0.1" }],
          Networks: [{ IP: "127.0.0.1", DynamicPorts: [{ Label: "http", Value: this.port }] }],
        },
      },
    };
  }
}
