import { type LifecycleService, ServedTimeSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { resolveAppRef } from "../catalog/app-ref.js";
import { getApplication, listApplications } from "../catalog/projects.js";
import { urlOptionsOf } from "../catalog/urls.js";
import { toConfigRevisionProto } from "../config/config-proto.js";
import { buildProtos, deploymentProtos } from "../history/history-protos.js";
import {
  loadLifecycleLookup,
  toLifecycleEventProto,
  toLiveIntervalProto,
} from "../lifecycle-log/lifecycle-protos.js";
import { eventsBefore, eventsBetween, intervalsBetween, liveAt } from "../lifecycle-log/live-at.js";
import { servedTimes } from "../lifecycle-log/served-time.js";
import { shaLifecycle } from "../lifecycle-log/sha-lifecycle.js";
import type { ServerContext } from "../server-context.js";
import type { ApplicationTable } from "../store/schema.js";

/** Events marked on an app's release timeline. */
const timelineKinds = [
  "rollback",
  "deployment.failed",
  "deployment.unhealthy",
  "instance.crashed",
  "config.applied",
  "app.deleted",
];

/** berth.v1.LifecycleService: the life of a SHA and what was live at any instant. */
export function createLifecycleService(ctx: ServerContext): ServiceImpl<typeof LifecycleService> {
  const db = ctx.store.db;
  const appsOf = async (project: string, app: string): Promise<ApplicationTable[]> =>
    app ? [await getApplication(db, project, app)] : listApplications(db, project, { includeDeleted: true });

  return {
    async getShaLifecycle(req) {
      const apps = await appsOf(req.project, req.app);
      const life = await shaLifecycle(db, apps, req.shaPrefix);
      const look = await loadLifecycleLookup(db, life.events, life.intervals);
      const byId = new Map(apps.map((a) => [a.id, a]));
      const urls = urlOptionsOf(ctx);
      const deployments = [];
      for (const d of life.deployments) {
        const app = byId.get(d.app_id);
        if (app) deployments.push(...(await deploymentProtos(db, app, [d], urls)));
      }
      return {
        shas: life.shas,
        builds: life.builds.flatMap((b) => {
          const app = byId.get(b.app_id);
          return app ? buildProtos(app, [b]) : [];
        }),
        deployments,
        events: life.events.map((e) => toLifecycleEventProto(e, look)),
        intervals: life.intervals.map((i) => toLiveIntervalProto(i, look)),
        served: servedTimes(life.intervals, Date.now()).map((s) =>
          create(ServedTimeSchema, { ...s, servedMs: BigInt(s.servedMs) }),
        ),
        configRevisions: life.configRevisions.map(toConfigRevisionProto),
      };
    },

    async getLiveAt(req) {
      const at = req.at ? timestampMs(req.at) : Date.now();
      const apps = await appsOf(req.project, req.app);
      const out = [];
      for (const app of apps) {
        const [live, before] = await Promise.all([liveAt(db, app.id, at), eventsBefore(db, app.id, at)]);
        const look = await loadLifecycleLookup(db, before, live);
        out.push({
          app: app.name,
          live: live.map((i) => toLiveIntervalProto(i, look)),
          before: before.map((e) => toLifecycleEventProto(e, look)),
        });
      }
      return { apps: out };
    },

    async listLiveIntervals(req) {
      const app = await resolveAppRef(db, req.app);
      const since = req.since ? timestampMs(req.since) : 0;
      const until = req.until ? timestampMs(req.until) : Date.now() + 1;
      const limit = req.limit || 500;
      const [intervals, events] = await Promise.all([
        intervalsBetween(db, app.id, since, until, limit),
        eventsBetween(db, app.id, since, until, timelineKinds, limit),
      ]);
      const look = await loadLifecycleLookup(db, events, intervals);
      return {
        intervals: intervals.map((i) => toLiveIntervalProto(i, look)),
        events: events.map((e) => toLifecycleEventProto(e, look)),
      };
    },
  };
}
