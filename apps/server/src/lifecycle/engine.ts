import { join } from "node:path";
import { followBus } from "../events/follow-bus.js";
import { createJobQueue, type JobQueue } from "../jobs/job-queue.js";
import { failInterruptedJobs, startJobWatchdog } from "../jobs/job-watchdog.js";
import type { InstanceView, Platform } from "../platforms/platform.js";
import { createPlatform } from "../platforms/platform-registry.js";
import { createPlatformSet } from "../platforms/platform-set.js";
import { type ArtifactStore, createArtifactStore } from "../registry/artifact-store.js";
import { type RolloutRunner, startRolloutRunner } from "../rollouts/rollout-runner.js";
import { startEmbeddedRouter } from "../route-feed/embedded-router.js";
import { createRouteFeed, type RouteFeed } from "../route-feed/route-feed.js";
import { setRouteFeed } from "../route-feed/routes-settled.js";
import { builtinRunnerId, startBuiltinRunner } from "../runners/builtin-runner.js";
import { createRunnerHub, type RunnerHub } from "../runners/runner-hub.js";
import { resolveAppUser } from "../sandbox/app-user.js";
import type { ServerContext } from "../server-context.js";
import { createTrafficStats, type TrafficStats } from "../traffic/traffic-stats.js";
import { buildRecordHooks } from "./build-records.js";
import { startDeploymentMonitor } from "./deployment-monitor.js";
import { instanceEnv } from "./instance-env.js";
import { instanceToken } from "./instance-token.js";
import { jobExecutors } from "./job-executors.js";
import { createPlatformReleaser } from "./platform-releaser.js";
import { resumeDeployments } from "./resume-deployments.js";

/** The ship-it machinery of one server: job queue, runners, artifact store and platform. */
export interface Engine {
  queue: JobQueue;
  hub: RunnerHub;
  artifacts: ArtifactStore;
  platform: Platform;
  /** The route table routers follow (RouterService.WatchRoutes and the embedded router). */
  routes: RouteFeed;
  /** What routers report they served, per deployment (the live metrics of rollouts). */
  traffic: TrafficStats;
  /** Moves progressive releases along (timed steps, auto-abort). */
  rollouts: RolloutRunner;
  /**
   * Resolves once the platform has re-adopted (or restarted) the instances of the previous server. Entrypoints
   * that reconnect sooner wait for it: a report handled before the adoption would be overwritten by the stored
   * row (an app replaced on a new port while the server was down would be routed to its old port).
   */
  resumed: Promise<void>;
}

/** Resolvers of each engine's `resumed`. */
const resumeDone = new WeakMap<Engine, () => void>();

const engines = new WeakMap<ServerContext, Engine>();

function envNumber(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** How long a running job may go without its runner's heartbeat before it fails. */
export function jobTimeoutMs(): number {
  return envNumber("BERTH_JOB_TIMEOUT_MS", 30_000);
}

/** The engine of a server, created on first use (services are registered before subsystems start). */
export function engineOf(ctx: ServerContext): Engine {
  let engine = engines.get(ctx);
  if (engine) return engine;
  const queue = createJobQueue(ctx.store, ctx.events);
  const artifacts = createArtifactStore({
    dir: join(ctx.options.dataDir, "artifacts"),
    db: ctx.store.db,
    maxBytes: envNumber("BERTH_MAX_ARTIFACT_BYTES", 512 * 1024 * 1024),
  });
  // Each deployment runs on the platform its berth.hcl names; the set routes every operation to it.
  const platform = createPlatformSet((name) =>
    createPlatform(name, {
      dir: ctx.options.appsDir,
      db: ctx.store.db,
      envFor: (spec, instance) => instanceEnv(ctx, spec, instance),
      tokenFor: (spec, instance) => instanceToken(ctx, spec, instance),
      appUser: () => resolveAppUser(ctx.options.appUser),
      graceMs: envNumber("BERTH_STOP_GRACE_MS", 5000),
      onError: (err) => ctx.logger.warn({ err }, `${name} platform`),
    }),
  );
  const routes = createRouteFeed(
    {
      db: ctx.store.db,
      baseDomain: ctx.options.baseDomain,
      instances: (id) => platform.instances(id),
      liveDeployments: () => platform.liveDeployments(),
      // Several replicas may share a PostgreSQL store: their deployments are routed from the stored rows.
      replicaId: ctx.store.dialect === "postgres" ? ctx.replicaId : undefined,
    },
    (err) => ctx.logger.error({ err }, "building the route table failed"),
  );
  platform.onChange(() => routes.changed());
  setRouteFeed(ctx, routes);
  let markResumed: () => void = () => {};
  const resumed = new Promise<void>((resolve) => {
    markResumed = resolve;
  });
  const traffic = createTrafficStats();
  engine = {
    resumed,
    traffic,
    rollouts: startRolloutRunner(ctx, { stats: traffic, instances: (id) => platform.instances(id) }),
    queue,
    hub: createRunnerHub(ctx.store, queue, ctx.events, (err) =>
      ctx.logger.error({ err }, "dispatching jobs failed"),
    ),
    artifacts,
    platform,
    routes,
  };
  queue.setHooks("build", buildRecordHooks(ctx, artifacts));
  resumeDone.set(engine, markResumed);
  engines.set(ctx, engine);
  return engine;
}

/**
 * Live instances of a deployment on this server: id, pid, port, state, health, cwd and log file.
 * The runtime (logs, exec) uses it to find an instance's process.
 */
export function deploymentInstances(ctx: ServerContext, deploymentId: string): InstanceView[] {
  return engineOf(ctx).platform.instances(deploymentId);
}

/** This server's built-in runner id (one per replica on PostgreSQL, where several may share the store). */
export function builtinRunnerIdOf(ctx: ServerContext): string {
  return builtinRunnerId(ctx.store.dialect === "postgres" ? ctx.replicaId : undefined);
}

/** The platform running this server's deployments (entrypoint reports move an instance's port through it). */
export function deploymentPlatform(ctx: ServerContext): Platform {
  return engineOf(ctx).platform;
}

/** Starts the engine: fails interrupted jobs, resumes deployments, runs the built-in runner, the watchdog and the URL router. */
export async function startEngine(ctx: ServerContext): Promise<Engine> {
  const engine = engineOf(ctx);
  const runnerId = builtinRunnerIdOf(ctx);
  if (ctx.store.dialect === "postgres") {
    // Other replicas' jobs run on: only this replica's own interrupted jobs go back to the queue.
    const requeued = await engine.queue.requeue(
      runnerId,
      `re-queued: server replica ${ctx.replicaId} restarted while this job ran on it`,
    );
    if (requeued.length > 0)
      ctx.logger.warn(
        { jobs: requeued.length },
        "re-queued jobs interrupted by this replica's previous stop",
      );
  } else {
    const failed = await failInterruptedJobs(ctx.store, engine.queue);
    if (failed > 0) ctx.logger.warn({ jobs: failed }, "failed jobs interrupted by the previous server stop");
  }
  const swept = await engine.artifacts.sweepUploads();
  if (swept > 0)
    ctx.logger.warn({ files: swept }, "removed partial artifact uploads left by the previous server stop");
  // Apps outlive the server (the next one re-adopts them) unless told otherwise.
  ctx.onClose(() => engine.platform.close({ stopInstances: ctx.options.stopAppsOnExit }));
  ctx.onClose(() => engine.rollouts.close());
  await resumeDeployments(ctx, engine);
  resumeDone.get(engine)?.();
  const stopMonitor = startDeploymentMonitor(ctx, engine);
  ctx.onClose(stopMonitor);

  const timeoutMs = jobTimeoutMs();
  const watchdog = startJobWatchdog({
    store: ctx.store,
    queue: engine.queue,
    liveJobs: () => engine.hub.liveJobs(timeoutMs),
    isConnected: (id) => engine.hub.isConnected(id),
    // Other replicas may hold a job's target runner: they say so through the runners table.
    connectedRunners: ctx.store.dialect === "postgres" ? () => engine.hub.connectedIds() : undefined,
    timeoutMs,
    onError: (err) => ctx.logger.warn({ err }, "job watchdog"),
  });
  ctx.onClose(() => watchdog.stop());
  if (ctx.options.builtinRunner) {
    const runner = await startBuiltinRunner({
      id: runnerId,
      hub: engine.hub,
      queue: engine.queue,
      executors: jobExecutors(ctx, engine),
      onError: (err) => ctx.logger.warn({ err }, "built-in runner"),
    });
    ctx.onClose(() => runner.stop());
  }

  // Routes follow releases, deployments and apps from the bus, this replica's instances from the platform (onChange
  // above) and other replicas' from the bus;
  // a platform's own releaser (a Kubernetes Service) follows releases too.
  const release = createPlatformReleaser(engine.platform, (err, deploymentId) =>
    ctx.logger.warn({ err, deploymentId }, "the platform's releaser failed"),
  );
  followBus(ctx.events, {}, ctx.shutdownSignal, {
    event(e) {
      const kind = e.event.case;
      // Instances too: another replica's instances reach this one only as events (its platform runs them).
      if (kind === "release" || kind === "deployment" || kind === "application" || kind === "instance")
        engine.routes.changed();
      if (e.event.case === "release") release(e.event.value);
    },
    resync: () => engine.routes.changed(),
  }).catch((err) => ctx.logger.error({ err }, "route table stopped following changes"));
  // Only now: before the platform re-adopted running instances, a table would send routers an empty one.
  engine.routes.open();
  if (ctx.options.router === "embedded") await startEmbeddedRouter(ctx, engine.routes, engine.traffic);
  else ctx.routerPort = ctx.options.routerPort;
  return engine;
}
