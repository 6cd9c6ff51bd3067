import type {
  Application,
  Deployment,
  GetAppOverviewResponse,
  Instance,
  Preview,
  Runner,
  WatchEventsResponse,
  WebhookDelivery,
} from "@berth/proto";

/** TanStack Query's shape for paged lists (kept local so this module stays free of runtime imports). */
export interface Pages<P> {
  pages: P[];
  pageParams: unknown[];
}

/** Replaces the item with the same key, or inserts it (front or back) when asked; returns a new array. */
export function upsert<T>(
  list: readonly T[],
  item: T,
  key: (t: T) => string,
  insert: "front" | "back" | "none" = "front",
  max = Number.POSITIVE_INFINITY,
): T[] {
  const k = key(item);
  const index = list.findIndex((t) => key(t) === k);
  if (index >= 0) {
    const copy = list.slice();
    copy[index] = item;
    return copy;
  }
  if (insert === "none") return list as T[];
  const next = insert === "front" ? [item, ...list] : [...list, item];
  return next.length > max ? next.slice(0, max) : next;
}

const byId = (x: { id: string }) => x.id;

/** Marks exactly the released deployment as released in a list (a release switches the flag on two rows). */
export function markReleased(list: readonly Deployment[], releasedId: string): Deployment[] {
  let changed = false;
  const next = list.map((d) => {
    const released = d.id === releasedId;
    if (d.released === released) return d;
    changed = true;
    return { ...d, released };
  });
  return changed ? next : (list as Deployment[]);
}

const sameApp = (a: { project: string; app: string }, project: string, app: string) =>
  a.project === project && a.app === app;

/** Applies one stream event to an app overview; events about other apps leave it unchanged. */
export function reduceOverview(
  overview: GetAppOverviewResponse | undefined,
  event: WatchEventsResponse,
): GetAppOverviewResponse | undefined {
  const application = overview?.application;
  if (!overview || !application) return overview;
  const { project, name: app } = application;
  const ev = event.event;
  switch (ev.case) {
    case "application": {
      if (ev.value.project !== project || ev.value.name !== app) return overview;
      return withReleased(overview, ev.value);
    }
    case "deployment": {
      if (!sameApp(ev.value, project, app)) return overview;
      const dep = ev.value;
      const recent = upsert(overview.recentDeployments, dep, byId, "front", 20);
      // The app event of a release may arrive before the deployment it names: take it when it comes.
      const isReleased = overview.released?.id === dep.id || application.releasedDeploymentId === dep.id;
      const released = isReleased ? dep : overview.released;
      return { ...overview, recentDeployments: recent, released };
    }
    case "instance": {
      const inst = ev.value;
      if (!overview.released || inst.deploymentId !== overview.released.id) return overview;
      return { ...overview, releasedInstances: upsert(overview.releasedInstances, inst, byId, "back") };
    }
    case "build": {
      if (!sameApp(ev.value, project, app)) return overview;
      return { ...overview, recentBuilds: upsert(overview.recentBuilds, ev.value, byId, "front", 10) };
    }
    case "release": {
      if (!sameApp(ev.value, project, app)) return overview;
      return { ...overview, recentReleases: upsert(overview.recentReleases, ev.value, byId, "front", 10) };
    }
    case "job": {
      if (!sameApp(ev.value, project, app)) return overview;
      return { ...overview, recentJobs: upsert(overview.recentJobs, ev.value, byId, "front", 10) };
    }
    default:
      return overview;
  }
}

function withReleased(overview: GetAppOverviewResponse, application: Application): GetAppOverviewResponse {
  const releasedId = application.releasedDeploymentId;
  const recentDeployments = markReleased(overview.recentDeployments, releasedId);
  let released = overview.released;
  if (released?.id !== releasedId) {
    const found = recentDeployments.find((d) => d.id === releasedId);
    released = found;
  }
  // A different released deployment has different instances; the page refetches them.
  const releasedInstances = released?.id === overview.released?.id ? overview.releasedInstances : [];
  return { ...overview, application, recentDeployments, released, releasedInstances };
}

/** Updates (and for unfiltered lists, inserts) an item in paged list data. Newest-first lists insert at the front. */
export function reducePages<P, T>(
  data: Pages<P> | undefined,
  field: keyof P,
  item: T,
  key: (t: T) => string,
  insert: boolean,
): Pages<P> | undefined {
  if (!data || !Array.isArray(data.pages) || data.pages.length === 0) return data;
  const k = key(item);
  let found = false;
  const pages = data.pages.map((page) => {
    const list = page[field] as unknown as T[];
    if (!list.some((t) => key(t) === k)) return page;
    found = true;
    return { ...page, [field]: upsert(list, item, key, "none") };
  });
  if (found) return { ...data, pages };
  if (!insert) return data;
  const first = data.pages[0]!;
  const list = first[field] as unknown as T[];
  return { ...data, pages: [{ ...first, [field]: [item, ...list] }, ...data.pages.slice(1)] };
}

/** A deployment event applied to a paged deployment list for one app. */
export function reduceDeploymentPages<P extends { deployments: Deployment[] }>(
  data: Pages<P> | undefined,
  dep: Deployment,
  scope: { project: string; app: string; filtered: boolean },
): Pages<P> | undefined {
  if (!sameApp(dep, scope.project, scope.app) || !Array.isArray(data?.pages)) return data;
  const newest = data?.pages[0]?.deployments[0];
  const isNewer = !newest || dep.seq > newest.seq;
  return reducePages(data, "deployments", dep, byId, !scope.filtered && isNewer);
}

/** The app's released deployment changed: flip the "released" flags in every loaded page. */
export function reduceReleasedInPages<P extends { deployments: Deployment[] }>(
  data: Pages<P> | undefined,
  application: Application,
): Pages<P> | undefined {
  if (!data || !Array.isArray(data.pages)) return data;
  let changed = false;
  const pages = data.pages.map((page) => {
    const own = page.deployments.filter(
      (d) => d.project === application.project && d.app === application.name,
    );
    if (own.length === 0) return page;
    const next = markReleased(page.deployments, application.releasedDeploymentId);
    if (next === page.deployments) return page;
    changed = true;
    return { ...page, deployments: next };
  });
  return changed ? { ...data, pages } : data;
}

/** Any single-entity response ({ deployment }, { job }, …) gets the newer copy of its entity. */
export function reduceEntity<R, T extends { id: string }>(
  res: R | undefined,
  field: keyof R,
  item: T,
): R | undefined {
  const current = res?.[field] as T | undefined;
  if (!res || !current || current.id !== item.id) return res;
  return { ...res, [field]: item };
}

/** An instance event applied to a deployment's instance list. */
export function reduceInstances<R extends { instances: Instance[] }>(
  res: R | undefined,
  inst: Instance,
  deploymentId: string,
): R | undefined {
  if (!res || inst.deploymentId !== deploymentId) return res;
  return { ...res, instances: upsert(res.instances, inst, byId, "back") };
}

/** A runner event applied to the runner list. */
export function reduceRunners<R extends { runners: Runner[] }>(
  res: R | undefined,
  runner: Runner,
): R | undefined {
  return res ? { ...res, runners: upsert(res.runners, runner, byId, "back") } : res;
}

/** A webhook delivery just recorded goes first in the project's delivery log (newest first, as listed). */
export function reduceWebhookDeliveries<R extends { deliveries: WebhookDelivery[] }>(
  res: R | undefined,
  delivery: WebhookDelivery,
): R | undefined {
  return res ? { ...res, deliveries: upsert(res.deliveries, delivery, byId, "front") } : res;
}

/**
 * A preview list after a preview event: a changed one replaced, a new one at the front, a closed one removed
 * unless the list holds closed ones too. Only a list of the preview's project (and app, when it names one).
 */
export function reducePreviews<R extends { previews: Preview[] }>(
  res: R | undefined,
  preview: Preview,
  input: { project?: string; app?: string; includeClosed?: boolean },
  closed: boolean,
): R | undefined {
  if (!res || input.project !== preview.project || (input.app && input.app !== preview.app)) return res;
  const key = (p: Preview) => p.previewApp;
  if (closed && !input.includeClosed)
    return { ...res, previews: res.previews.filter((p) => key(p) !== key(preview)) };
  return { ...res, previews: upsert(res.previews, preview, key, "front") };
}
