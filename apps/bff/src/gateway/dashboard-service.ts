import {
  type AppRef,
  BuildService,
  DashboardService,
  DeploymentService,
  GetAppOverviewResponseSchema,
  GetCliSetupResponseSchema,
  GetViewerResponseSchema,
  JobService,
  ProjectService,
  ReleaseService,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import type { Upstream } from "../plugins/app/upstream.js";
import { roleToProto } from "../sessions/token-identity.js";
import { requestIdKey, sessionOf } from "./gateway-context.js";
import { relayError } from "./relay-error.js";

/** How many recent items of each kind the overview carries. */
const recentCount = 10;

/**
 * The app overview page's data in one call: the application, its released deployment with instances,
 * and the recent deployments, builds, releases and jobs, fetched from the server in parallel. If any
 * part fails the others are cancelled and the first error (code intact) is returned.
 */
async function getAppOverview(upstream: Upstream, app: AppRef, ctx: HandlerContext) {
  const session = sessionOf(ctx);
  const failed = new AbortController();
  const signal = AbortSignal.any([ctx.signal, failed.signal]);
  const call = upstream.callOptions(session.token, signal, ctx.values.get(requestIdKey));
  const guard = <T>(p: Promise<T>) =>
    p.catch((err: unknown) => {
      failed.abort();
      throw relayError(err);
    });
  // A listing the server does not offer (yet) leaves its section empty rather than failing the page.
  const optional = <T>(p: Promise<T>, empty: Partial<T>) =>
    guard(
      p.catch((err: unknown): Partial<T> => {
        if (ConnectError.from(err).code === Code.Unimplemented) return empty;
        throw err;
      }),
    );

  const application = guard(upstream.client(ProjectService).getApplication({ app }, call));
  // The released deployment needs the application's answer; the listings do not wait for it.
  const released = guard(
    application.then(async ({ application: a }) => {
      if (!a?.releasedDeploymentId) return { deployment: undefined, instances: [] };
      const deployments = upstream.client(DeploymentService);
      const [d, i] = await Promise.all([
        deployments.getDeployment({ id: a.releasedDeploymentId }, call),
        deployments.listInstances({ deploymentId: a.releasedDeploymentId }, call),
      ]);
      return { deployment: d.deployment, instances: i.instances };
    }),
  );
  const [a, r, deployments, builds, releases, jobs] = await Promise.all([
    application,
    released,
    guard(upstream.client(DeploymentService).listDeployments({ app, pageSize: recentCount }, call)),
    optional(upstream.client(BuildService).listBuilds({ app, pageSize: recentCount }, call), { builds: [] }),
    optional(upstream.client(ReleaseService).listReleases({ app, pageSize: recentCount }, call), {
      releases: [],
    }),
    optional(upstream.client(JobService).listJobs({ app, pageSize: recentCount }, call), { jobs: [] }),
  ]);
  return create(GetAppOverviewResponseSchema, {
    application: a.application,
    released: r.deployment,
    releasedInstances: r.instances,
    recentDeployments: deployments.deployments,
    recentBuilds: builds.builds ?? [],
    recentReleases: releases.releases ?? [],
    recentJobs: jobs.jobs ?? [],
  });
}

/** Registers DashboardService: view RPCs the BFF answers itself. */
export function registerDashboardService(
  router: ConnectRouter,
  upstream: Upstream,
  setup: { cliServerUrl: string },
): void {
  router.service(DashboardService, {
    async getAppOverview(request, ctx) {
      if (!request.app?.project || !request.app.app) {
        throw new ConnectError("app: give both project and app", Code.InvalidArgument);
      }
      return getAppOverview(upstream, request.app, ctx);
    },
    async getViewer(_request, ctx) {
      const session = sessionOf(ctx);
      return create(GetViewerResponseSchema, { name: session.name, role: roleToProto(session.role) });
    },
    async getCliSetup(_request, ctx) {
      // Signed-in people only, like every gateway call.
      sessionOf(ctx);
      return create(GetCliSetupResponseSchema, { serverUrl: setup.cliServerUrl });
    },
  });
}
