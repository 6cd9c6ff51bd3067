import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import { unpackArchive } from "../../registry/safe-unpack.js";
import type { AppUser } from "../../sandbox/app-user.js";
import { prepareAppsDir } from "../../sandbox/apps-dir.js";
import { childEnv } from "../../sandbox/child-env.js";
import type { Database } from "../../store/schema.js";
import { createInstanceWriter } from "../instance-writer.js";
import type { DeploymentSpec, InstanceView, Platform } from "../platform.js";
import { InstanceSupervisor, isAlive } from "./instance-supervisor.js";

/** Where `berth-entrypoint` lives in this repository. */
export const entrypointBin = fileURLToPath(
  new URL("../../../../entrypoint/bin/berth-entrypoint.js", import.meta.url),
);

export interface ProcessPlatformOptions {
  /** Deployments are unpacked under `<dir>/<deploymentId>/app`: outside the server's private data dir. */
  dir: string;
  db: Kysely<Database>;
  /** Environment for an instance start: config vars and BERTH_* facts (PORT is added). */
  envFor: (spec: DeploymentSpec, instance: InstanceView) => Promise<Record<string, string>>;
  /** The entrypoint token for an instance start, handed to the entrypoint on a pipe (not in any env). */
  tokenFor?: (spec: DeploymentSpec, instance: InstanceView) => Promise<string>;
  /** The user apps run as (resolved once, before the first deployment is unpacked); undefined: ours. */
  appUser?: () => Promise<AppUser | undefined>;
  /** "auto": wrap commands in berth-entrypoint when its binary exists; "none": run them directly. */
  entrypoint?: "auto" | "none";
  graceMs?: number;
  /** Restart backoff after the n-th crash in a row (0-based); default: 250 ms doubling to 30 s. */
  restartDelayMs?: (crashesInARow: number) => number;
  onError?: (err: unknown) => void;
}

/**
 * The environment the entrypoint itself starts with: the server's allow-listed variables, Berth's facts about
 * the instance (set by the server, never by a deployer: config cannot override BERTH_*), the port, and where to
 * find the handover (fd 3) and whom to run the app as.
 */
function entrypointEnv(appEnv: Record<string, string>, user: AppUser | undefined): Record<string, string> {
  const own: Record<string, string> = { PORT: appEnv.PORT ?? "", BERTH_ENTRYPOINT_HANDOVER_FD: "3" };
  for (const [k, v] of Object.entries(appEnv))
    if (k.startsWith("BERTH_") && !k.startsWith("BERTH_APP_") && !k.startsWith("BERTH_ENTRYPOINT_"))
      own[k] = v;
  if (user) Object.assign(own, { BERTH_APP_UID: String(user.uid), BERTH_APP_GID: String(user.gid) });
  return childEnv(own);
}

/** The `process` platform: instances as supervised child processes on the server's host. */
export function createProcessPlatform(options: ProcessPlatformOptions): Platform {
  const { db } = options;
  const deployments = new Map<string, InstanceSupervisor[]>();
  const listeners = new Set<(deploymentId: string) => void>();
  const onError = options.onError ?? (() => {});
  const graceMs = options.graceMs ?? 5000;
  // Instance rows are written in order per instance, so a late write never overwrites a newer state.
  const instanceRows = createInstanceWriter(db, onError);

  const wrapped = options.entrypoint !== "none" && existsSync(entrypointBin);
  // Without an entrypoint there is nobody to hand a token to: the app itself must never get one.
  const tokenFor = wrapped ? options.tokenFor : undefined;
  const argv = (command: string): [string, string[]] =>
    wrapped ? [process.execPath, [entrypointBin, "--", "sh", "-c", command]] : ["sh", ["-c", command]];
  let user: AppUser | undefined;
  let ready: Promise<void> | undefined;
  const init = () => {
    ready ??= (async () => {
      user = await options.appUser?.();
      await prepareAppsDir(options.dir, user);
    })().catch((err: unknown) => {
      ready = undefined; // the next deploy tries again (e.g. once the user exists)
      throw err;
    });
    return ready;
  };

  function supervisor(spec: DeploymentSpec, view: InstanceView): InstanceSupervisor {
    return new InstanceSupervisor({
      view,
      command: spec.command,
      health: spec.health,
      argv,
      graceMs,
      restartDelayMs: options.restartDelayMs,
      env: async (port) =>
        childEnv({
          ...(user && { HOME: view.cwd, USER: user.name, LOGNAME: user.name }),
          ...(await options.envFor(spec, view)),
          PORT: String(port),
        }),
      // The entrypoint is a Node process that keeps the server's user: its environment is the server's
      // allow-list and Berth's own facts only, never the app's config (NODE_OPTIONS or LD_PRELOAD set by a
      // deployer would run as that user). The app's environment and the token travel on fd 3.
      handover: wrapped
        ? async (appEnv) => ({
            env: entrypointEnv(appEnv, user),
            fd3: JSON.stringify({ token: tokenFor ? await tokenFor(spec, view) : "", env: appEnv }),
          })
        : undefined,
      spawnAs: wrapped ? undefined : user,
      onChange: (v) => {
        instanceRows.write(v);
        for (const l of listeners) l(spec.deploymentId);
      },
      onError,
    });
  }

  async function prepare(spec: DeploymentSpec): Promise<string> {
    await init();
    const root = join(options.dir, spec.deploymentId);
    const appDir = join(root, "app");
    if (!existsSync(join(root, ".unpacked"))) {
      await rm(appDir, { recursive: true, force: true });
      await mkdir(root, { recursive: true, mode: 0o711 });
      await chmod(root, 0o711);
      try {
        // The app user owns its files (it may write them, like any process in its cwd).
        await unpackArchive(spec.artifactPath, appDir, user && { uid: user.uid, gid: user.gid });
      } catch (err) {
        // A half-extracted tree is no deployment: leave nothing behind that takes disk or looks runnable.
        await rm(root, { recursive: true, force: true });
        throw err;
      }
      // Instance logs are the server's: the app writes them through its entrypoint only.
      await mkdir(join(root, "logs"), { recursive: true, mode: 0o700 });
      await writeFile(join(root, ".unpacked"), "");
    }
    return root;
  }

  function newView(spec: DeploymentSpec, root: string, idx: number, id = ulid()): InstanceView {
    return {
      id,
      deploymentId: spec.deploymentId,
      idx,
      state: "starting",
      health: "unknown",
      port: 0,
      pid: 0,
      restarts: 0,
      startedAt: null,
      lastHealthError: "",
      cwd: join(root, "app"),
      logFile: join(root, "logs", `${id}.log`),
    };
  }

  return {
    name: "process",
    async deploy(spec, signal) {
      const root = await prepare(spec);
      signal.throwIfAborted();
      const sups = Array.from({ length: spec.count }, (_, idx) => supervisor(spec, newView(spec, root, idx)));
      deployments.set(spec.deploymentId, sups);
      await Promise.all(sups.map((s) => s.start()));
    },
    async destroy(deploymentId) {
      const sups = deployments.get(deploymentId) ?? [];
      deployments.delete(deploymentId);
      await Promise.all(sups.map((s) => s.stop()));
      await instanceRows.flush(sups.map((s) => s.view.id));
      // Instances started by an earlier server and never re-adopted still have rows with pids.
      const rows = await db
        .selectFrom("instances")
        .selectAll()
        .where("deployment_id", "=", deploymentId)
        .execute();
      for (const row of rows)
        if (row.pid > 0 && isAlive(row.pid) && (await isOurs(row.pid, row.id)))
          process.kill(-row.pid, "SIGKILL");
      await db
        .updateTable("instances")
        .set({ state: "stopped", pid: 0 })
        .where("deployment_id", "=", deploymentId)
        .execute();
      // The unpacked app goes (the artifact stays in the registry); logs stay with the history.
      const root = join(options.dir, deploymentId);
      await rm(join(root, ".unpacked"), { force: true });
      await rm(join(root, "app"), { recursive: true, force: true });
      for (const l of listeners) l(deploymentId);
    },
    async scale(spec) {
      const sups = deployments.get(spec.deploymentId);
      if (!sups) throw new Error(`deployment ${spec.deploymentId} has no instances on this host`);
      if (spec.count > sups.length) {
        const root = join(options.dir, spec.deploymentId);
        const added = Array.from({ length: spec.count - sups.length }, (_, i) =>
          supervisor(spec, newView(spec, root, sups.length + i)),
        );
        sups.push(...added);
        await Promise.all(added.map((s) => s.start()));
        // Destroyed while these started: nobody else would ever stop them.
        if (deployments.get(spec.deploymentId) !== sups) {
          await Promise.all(added.map((s) => s.stop()));
          throw new Error(`deployment ${spec.deploymentId} was destroyed while it scaled`);
        }
        return;
      }
      const removed = sups.splice(spec.count);
      if (removed.length === 0) return;
      await Promise.all(removed.map((s) => s.stop()));
      await instanceRows.flush(removed.map((s) => s.view.id));
      // Their slots may be taken again by a later scale-up; a stopped row would then stand beside the new one.
      await db
        .deleteFrom("instances")
        .where(
          "id",
          "in",
          removed.map((s) => s.view.id),
        )
        .execute();
      for (const l of listeners) l(spec.deploymentId);
    },
    instances(deploymentId) {
      return (deployments.get(deploymentId) ?? []).map((s) => ({ ...s.view }));
    },
    liveDeployments: () => [...deployments.keys()],
    async resume(specs) {
      const counts = { adopted: 0, started: 0 };
      for (const spec of specs) {
        const root = await prepare(spec);
        const rows = await db
          .selectFrom("instances")
          .selectAll()
          .where("deployment_id", "=", spec.deploymentId)
          .orderBy("idx")
          .execute();
        const sups: InstanceSupervisor[] = [];
        for (let idx = 0; idx < spec.count; idx++) {
          const row = rows.find((r) => r.idx === idx);
          const view = newView(spec, root, idx, row?.id);
          if (row)
            Object.assign(view, {
              port: row.port,
              pid: row.pid,
              restarts: row.restarts,
              startedAt: row.started_at,
              health: row.health,
            });
          const sup = supervisor(spec, view);
          sups.push(sup);
          if (row && row.pid > 0 && isAlive(row.pid) && (await isOurs(row.pid, row.id))) {
            sup.adopt();
            counts.adopted++;
          } else {
            await sup.start();
            counts.started++;
          }
        }
        deployments.set(spec.deploymentId, sups);
      }
      return counts;
    },
    setInstancePort(instanceId, port) {
      for (const sups of deployments.values())
        for (const s of sups) if (s.view.id === instanceId) return s.appReplaced(port);
      return false;
    },
    async close({ stopInstances = false } = {}) {
      const all = [...deployments.values()].flat();
      deployments.clear();
      if (stopInstances) await Promise.all(all.map((s) => s.stop()));
      else for (const s of all) s.detach();
      // The rows must say where each instance runs (pid, port) for the next server to re-adopt it.
      await instanceRows.flush(all.map((s) => s.view.id));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Guards against pid reuse: the process must carry this instance's id in its environment. */
async function isOurs(pid: number, instanceId: string): Promise<boolean> {
  const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => undefined);
  if (environ === undefined) return process.platform !== "linux";
  return environ.split("\0").includes(`BERTH_INSTANCE_ID=${instanceId}`);
}
