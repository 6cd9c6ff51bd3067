import {
  BuildService,
  ConfigService,
  DashboardService,
  DeploymentService,
  type GetApplicationResponse,
  type GetAppOverviewResponse,
  type GetDeploymentResponse,
  type GetJobResponse,
  GitService,
  JobService,
  LifecycleService,
  type ListBuildsResponse,
  type ListDeploymentsResponse,
  type ListInstancesResponse,
  type ListJobsResponse,
  type ListPreviewsResponse,
  type ListReleasesResponse,
  type ListRunnersResponse,
  type ListWebhookDeliveriesResponse,
  PreviewState,
  ProjectService,
  ReleaseService,
  RunnerService,
  type WatchEventsResponse,
} from "@berth/proto";
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { createConnectQueryKey } from "@connectrpc/connect-query";
import type { Query, QueryClient } from "@tanstack/react-query";
import {
  type Pages,
  reduceDeploymentPages,
  reduceEntity,
  reduceInstances,
  reduceOverview,
  reducePages,
  reducePreviews,
  reduceReleasedInPages,
  reduceRunners,
  reduceWebhookDeliveries,
} from "./event-reducer.js";

type KeyInput = {
  project?: string;
  app?: { project?: string; app?: string };
  filter?: unknown;
  statuses?: unknown;
  states?: unknown;
  deploymentId?: string;
};

type PreviewsInput = { project?: string; app?: string; includeClosed?: boolean };

function inputOf(query: Query): KeyInput {
  const props = query.queryKey[1] as { input?: KeyInput } | undefined;
  return props?.input ?? {};
}

function methodKey(method: DescMethodUnary) {
  return createConnectQueryKey({ schema: method, cardinality: undefined });
}

/**
 * Runs `updater` over every cached query of `method` (finite and infinite); it returns the same data for "no change".
 * A query that is fetching right now would have the event overwritten by a response the server may have taken
 * before the event: it is refetched (cancelling the fetch in flight), so the newer snapshot wins.
 */
function update<T>(
  client: QueryClient,
  method: DescMethodUnary,
  updater: (data: T, input: KeyInput) => T | undefined,
) {
  for (const query of client.getQueryCache().findAll({ queryKey: methodKey(method) })) {
    const before = query.state.data as T | undefined;
    const fetching = query.state.fetchStatus === "fetching";
    if (before !== undefined) {
      const after = updater(before, inputOf(query));
      if (after !== undefined && after !== before) client.setQueryData(query.queryKey, after);
    }
    if (fetching) void client.invalidateQueries({ queryKey: query.queryKey, exact: true });
  }
}

const appMatches = (input: KeyInput, project: string, app: string) =>
  input.app?.project === project && input.app?.app === app;

/** Applies one WatchEvents message to every cached query it affects, through the pure reducers. */
export function applyEventToCache(client: QueryClient, event: WatchEventsResponse): void {
  update<GetAppOverviewResponse>(client, DashboardService.method.getAppOverview, (data) =>
    reduceOverview(data, event),
  );
  const ev = event.event;
  // The catalog's columns (release, health, instances, last deploy) are joins no single event carries: refetch.
  if (
    ev.case === "deployment" ||
    ev.case === "instance" ||
    ev.case === "application" ||
    ev.case === "release"
  ) {
    void client.invalidateQueries({ queryKey: methodKey(ProjectService.method.listCatalog) });
  }
  switch (ev.case) {
    case "deployment": {
      const dep = ev.value;
      update<Pages<ListDeploymentsResponse>>(
        client,
        DeploymentService.method.listDeployments,
        (data, input) =>
          appMatches(input, dep.project, dep.app)
            ? reduceDeploymentPages(data, dep, {
                project: dep.project,
                app: dep.app,
                filtered: input.filter !== undefined || input.statuses !== undefined,
              })
            : data,
      );
      update<GetDeploymentResponse>(client, DeploymentService.method.getDeployment, (data) =>
        reduceEntity(data, "deployment", dep),
      );
      break;
    }
    case "instance": {
      const inst = ev.value;
      update<ListInstancesResponse>(client, DeploymentService.method.listInstances, (data, input) =>
        reduceInstances(data, inst, input.deploymentId ?? ""),
      );
      break;
    }
    case "application": {
      const application = ev.value;
      update<Pages<ListDeploymentsResponse>>(client, DeploymentService.method.listDeployments, (data) =>
        reduceReleasedInPages(data, application),
      );
      update<GetApplicationResponse>(client, ProjectService.method.getApplication, (data) =>
        data.application?.project === application.project && data.application.name === application.name
          ? { ...data, application }
          : data,
      );
      // A detail page shows whether its deployment is the released one; the overview needs the new released
      // deployment's instances, which no event carries.
      void client.invalidateQueries({ queryKey: methodKey(DeploymentService.method.getDeployment) });
      void client.invalidateQueries({ queryKey: methodKey(DashboardService.method.getAppOverview) });
      // A deleted app leaves the project's list (and may leave its project empty): lists refetch.
      if (application.deletedAt) {
        void client.invalidateQueries({ queryKey: methodKey(ProjectService.method.listApplications) });
        void client.invalidateQueries({ queryKey: methodKey(ProjectService.method.listProjects) });
      }
      break;
    }
    case "build": {
      const build = ev.value;
      update<Pages<ListBuildsResponse>>(client, BuildService.method.listBuilds, (data, input) =>
        appMatches(input, build.project, build.app)
          ? reducePages(
              data,
              "builds",
              build,
              (b) => b.id,
              input.filter === undefined && input.statuses === undefined,
            )
          : data,
      );
      break;
    }
    case "release": {
      const release = ev.value;
      update<Pages<ListReleasesResponse>>(client, ReleaseService.method.listReleases, (data, input) =>
        appMatches(input, release.project, release.app)
          ? reducePages(data, "releases", release, (r) => r.id, input.filter === undefined)
          : data,
      );
      // "What is live now" and the timeline change with every release.
      void client.invalidateQueries({ queryKey: methodKey(LifecycleService.method.getLiveAt) });
      void client.invalidateQueries({ queryKey: methodKey(LifecycleService.method.listLiveIntervals) });
      break;
    }
    case "job": {
      const job = ev.value;
      update<Pages<ListJobsResponse>>(client, JobService.method.listJobs, (data, input) =>
        !input.app || appMatches(input, job.project, job.app)
          ? reducePages(data, "jobs", job, (j) => j.id, input.states === undefined)
          : data,
      );
      update<GetJobResponse>(client, JobService.method.getJob, (data) => reduceEntity(data, "job", job));
      break;
    }
    case "runner": {
      const runner = ev.value;
      update<ListRunnersResponse>(client, RunnerService.method.listRunners, (data) =>
        reduceRunners(data, runner),
      );
      break;
    }
    case "config": {
      // A revision event carries no values (never secrets): refetch what shows them.
      void client.invalidateQueries({ queryKey: methodKey(ConfigService.method.listConfigVars) });
      void client.invalidateQueries({ queryKey: methodKey(ConfigService.method.listConfigRevisions) });
      break;
    }
    case "webhookDelivery": {
      const delivery = ev.value;
      update<ListWebhookDeliveriesResponse>(client, GitService.method.listWebhookDeliveries, (data, input) =>
        input.project === delivery.project ? reduceWebhookDeliveries(data, delivery) : data,
      );
      break;
    }
    case "preview": {
      const preview = ev.value;
      update<ListPreviewsResponse>(client, GitService.method.listPreviews, (data, input) =>
        // ListPreviewsRequest names its app as a plain string, not an AppRef.
        reducePreviews(data, preview, input as PreviewsInput, preview.state === PreviewState.CLOSED),
      );
      break;
    }
    default:
      break;
  }
}
