// The native data plane: haproxy as a child process, its routes set from route tables through the runtime API.
// No apply reloads haproxy: slots and maps are declared once, then only their contents change.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { RouteTable } from "@berth/proto";
import { desiredBackends } from "./desired-backends.js";
import { renderHaproxyConfig } from "./haproxy-config.js";
import { startHaproxyProcess } from "./haproxy-process.js";
import { type DataPlaneState, emptyState, planApply, type SlotPool } from "./plan-apply.js";
import { createRuntimeApi } from "./runtime-api.js";

export interface HaproxyDataPlaneOptions {
  host: string;
  /** 0 picks a free port (haproxy itself refuses port 0). */
  port: number;
  /** Holds haproxy.cfg, the map files and the runtime API socket. */
  dataDir: string;
  haproxyBin?: string;
  /** haproxy exited on its own after start. */
  onError?: (err: Error) => void;
  /** Backends declared up front: one per live deployment plus one per released app (default 256). */
  backends?: number;
  /** Server slots per backend: endpoints of one deployment, or of a released app's deployments (default 16). */
  slotsPerBackend?: number;
  /** haproxy worker threads (default: one per core). */
  threads?: number;
}

export interface HaproxyDataPlane {
  port: number;
  /** haproxy master's pid (for CPU figures). */
  pid: number;
  /** Makes haproxy serve `table`; tables older than the newest applied are ignored. */
  apply(table: RouteTable): Promise<void>;
  close(): Promise<void>;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The master pid of a haproxy still running on this data dir's config (its router died), if any. */
async function staleHaproxy(pidPath: string, configPath: string): Promise<number | undefined> {
  const pid = Number((await readFile(pidPath, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  // Only a haproxy on our config: the pid may have been reused by anything else since.
  return cmdline.split("\0").includes(configPath) && cmdline.includes("haproxy") ? pid : undefined;
}

/** Starts haproxy serving nothing yet (every host: 404) and returns the handle to feed it route tables. */
export async function startHaproxyDataPlane(options: HaproxyDataPlaneOptions): Promise<HaproxyDataPlane> {
  const dir = resolve(options.dataDir);
  // The path goes unquoted into haproxy.cfg and into runtime commands, which split on spaces.
  if (!/^[A-Za-z0-9._/+-]+$/.test(dir))
    throw new Error(`haproxy data plane: dataDir "${dir}" may hold only letters, digits and . _ / + -`);
  await mkdir(dir, { recursive: true });
  const pool: SlotPool = {
    backends: options.backends ?? 256,
    slotsPerBackend: options.slotsPerBackend ?? 16,
    backendName: (i) => `berth_b${i}`,
    hostsMap: join(dir, "hosts.map"),
    namesMap: join(dir, "names.map"),
    unreleasedBackend: "berth_unreleased",
    baseDomainKey: "berth.base-domain",
  };
  const socketPath = join(dir, "admin.sock");
  const configPath = join(dir, "haproxy.cfg");
  const pidPath = join(dir, "haproxy.pid");
  // A haproxy whose router died (SIGKILL) goes on serving the last routes it had, on the same port (haproxy binds
  // with SO_REUSEPORT): it keeps the app URLs up until this one serves, then it is retired.
  let stale = await staleHaproxy(pidPath, configPath);
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  // A socket left by an earlier run would answer for the wrong haproxy; maps start empty, filled at runtime.
  await rm(socketPath, { force: true });
  await writeFile(pool.hostsMap, "");
  await writeFile(pool.namesMap, "");
  await writeFile(
    configPath,
    renderHaproxyConfig({ host: options.host, port, socketPath, pidPath, pool, threads: options.threads }),
  );
  const api = createRuntimeApi(socketPath);
  const proc = await startHaproxyProcess({ bin: options.haproxyBin ?? "/usr/sbin/haproxy", configPath, api });
  let closing = false;
  void proc.exited.then(({ code, signal }) => {
    if (!closing)
      options.onError?.(
        new Error(`haproxy exited (${code ?? signal}); its last words: ${proc.stderr().trim().slice(-2000)}`),
      );
  });

  let state: DataPlaneState = emptyState(pool);
  // After a failed command haproxy's state is not what `state` says: the next apply starts from scratch.
  let dirty = false;
  let newest = -1n;
  let queue: Promise<void> = Promise.resolve();

  async function applyNow(table: RouteTable): Promise<void> {
    if (table.version < newest) return;
    const desired = desiredBackends(table);
    let from = state;
    const commands: string[] = [];
    if (dirty) {
      // Every slot down and both maps cleared, then everything set again: a moment without routes, only after
      // an error.
      commands.push(`clear map ${pool.hostsMap}`, `clear map ${pool.namesMap}`);
      for (let i = 0; i < pool.backends; i++)
        for (let j = 1; j <= pool.slotsPerBackend; j++)
          commands.push(`set server ${pool.backendName(i)}/s${j} state maint`);
      from = emptyState(pool);
    }
    const plan = planApply(from, desired, pool);
    commands.push(...plan.commands);
    dirty = true;
    await api.runAll(commands);
    state = plan.next;
    dirty = false;
    newest = table.version;
    if (stale) retire(stale);
  }

  /** Soft-stops the previous haproxy (it finishes the requests it holds), then ends it after a bound. */
  function retire(pid: number): void {
    stale = undefined;
    try {
      process.kill(pid, "SIGUSR1");
      setTimeout(() => {
        try {
          process.kill(pid, "SIGTERM");
        } catch {
          // gone already
        }
      }, 10_000).unref();
    } catch {
      // gone already
    }
  }

  return {
    port,
    pid: proc.pid,
    apply(table) {
      // One apply at a time, in call order: each plans from the state the previous one left.
      const run = queue.then(() => applyNow(table));
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      closing = true;
      await queue;
      // Never applied a table: the previous haproxy still serves the app URLs; it must not outlive us unseen.
      if (stale) retire(stale);
      await proc.stop();
      await rm(socketPath, { force: true });
    },
  };
}
