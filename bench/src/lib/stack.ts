// A whole Berth in a child process (see stack-main.ts): the bench talks to it only over 127.0.0.1, like users do.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DeploymentService, ExecService, JobService, LogService, ReleaseService } from "@berth/proto";
import { type Client, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface StackInfo {
  pid: number;
  apiUrl: string;
  dashboardUrl: string;
  routerPort: number;
  token: string;
  dataDir: string;
}

export interface BenchStack extends StackInfo {
  child: ChildProcess;
  clients: {
    logs: Client<typeof LogService>;
    exec: Client<typeof ExecService>;
    jobs: Client<typeof JobService>;
    releases: Client<typeof ReleaseService>;
    deployments: Client<typeof DeploymentService>;
  };
  /** Resident memory of the stack process (server + BFF) in MB. */
  rssMb(): number;
  close(): Promise<void>;
}

/** Resident set size of a process in MB, from /proc (0 when it is gone). */
export function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** Starts the stack child and waits for its ready line (server logs at warn: the router's access log stays quiet). */
export async function startBenchStack(
  options: { webDistDir?: string; extraArgs?: string[] } = {},
): Promise<BenchStack> {
  const child = spawn(
    process.execPath,
    [
      ...(options.extraArgs ?? []),
      "--import",
      "tsx",
      fileURLToPath(new URL("stack-main.ts", import.meta.url)),
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        BERTH_LOG_LEVEL: "warn",
        ...(options.webDistDir ? { BERTH_WEB_DIST: options.webDistDir } : {}),
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      try {
        const msg = JSON.parse(line) as StackInfo & { event?: string };
        if (msg.event === "ready") resolve(msg);
      } catch {
        // not our line
      }
    });
    child.on("exit", (code) => reject(new Error(`bench stack exited with ${code} before it was ready`)));
  });
  const auth: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${info.token}`);
    return next(req);
  };
  const transport = createGrpcTransport({ baseUrl: info.apiUrl, interceptors: [auth] });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    ...info,
    child,
    clients: {
      logs: createClient(LogService, transport),
      exec: createClient(ExecService, transport),
      jobs: createClient(JobService, transport),
      releases: createClient(ReleaseService, transport),
      deployments: createClient(DeploymentService, transport),
    },
    rssMb: () => rssMbOf(info.pid),
    async close() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
