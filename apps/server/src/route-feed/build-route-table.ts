import {
  type DeploymentRoute,
  DeploymentRouteSchema,
  RouteEndpointSchema,
  type RouteTable,
  RouteTableSchema,
} from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import type { InstanceView } from "../platforms/platform.js";
import type { Database } from "../store/schema.js";
import { otherReplicasDeployments, type StoredInstance, storedInstances } from "./stored-instances.js";

export interface RouteTableSources {
  db: Kysely<Database>;
  baseDomain: string;
  /** Live instances of a deployment (the platform's view). */
  instances(deploymentId: string): InstanceView[];
  /** The deployments the platform runs now. */
  liveDeployments(): string[];
  /**
   * This replica's id when several replicas share the store: the live deployments of the others, and their
   * instances, are then read from the stored rows (their platforms write them), not from this platform.
   */
  replicaId?: string;
}

function healthPath(specJson: string): string {
  try {
    const path = (JSON.parse(specJson) as { health?: { path?: unknown } }).health?.path;
    return typeof path === "string" ? path : "";
  } catch {
    return "";
  }
}

/**
 * The whole route table from the store and the platform: every app with its current release's targets, and
 * every deployment the platform runs or a release targets, with where its instances listen.
 */
export async function buildRouteTable(sources: RouteTableSources, version: bigint): Promise<RouteTable> {
  const { db } = sources;
  const apps = await db
    .selectFrom("applications as a")
    .leftJoin("releases as r", "r.id", "a.current_release_id")
    .select(["a.project", "a.name", "r.targets_json"])
    .execute();
  const targetIds = new Set(
    apps.flatMap((a) =>
      a.targets_json ? parseReleaseTargets(a.targets_json).map((t) => t.deploymentId) : [],
    ),
  );
  // Deployments the platform runs and release targets, by primary key: the store may hold 100,000 finished
  // deployments, and a rebuild must not read them.
  const others = sources.replicaId === undefined ? [] : await otherReplicasDeployments(db, sources.replicaId);
  const ids = [...new Set([...sources.liveDeployments(), ...targetIds, ...others])];
  const deployments =
    ids.length === 0
      ? []
      : await db
          .selectFrom("deployments as d")
          .innerJoin("applications as a", "a.id", "d.app_id")
          .select(["d.id", "d.seq", "d.status", "d.spec_json", "a.project", "a.name"])
          .where("d.id", "in", ids)
          .execute();
  const local = new Map(ids.map((id) => [id, sources.instances(id)]));
  const remote = [...local].filter(([, views]) => views.length === 0).map(([id]) => id);
  const stored = sources.replicaId === undefined ? undefined : await storedInstances(db, remote);
  const instancesOf = (id: string): StoredInstance[] => {
    const views = local.get(id) ?? [];
    return views.length > 0 ? views : (stored?.get(id) ?? []);
  };
  const routes: DeploymentRoute[] = deployments
    .filter((d) => d.status !== "destroyed")
    .map((d) =>
      create(DeploymentRouteSchema, {
        id: d.id,
        project: d.project,
        app: d.name,
        seq: d.seq,
        healthPath: healthPath(d.spec_json),
        endpoints: instancesOf(d.id)
          .filter((i) => i.state === "running" && i.port > 0)
          .map((i) =>
            create(RouteEndpointSchema, {
              instanceId: i.id,
              host: i.host ?? "127.0.0.1",
              port: i.port,
              healthy: i.health === "healthy",
            }),
          ),
      }),
    );
  return create(RouteTableSchema, {
    version,
    baseDomain: sources.baseDomain,
    apps: apps.map((a) => ({
      project: a.project,
      app: a.name,
      targets: a.targets_json ? parseReleaseTargets(a.targets_json) : [],
    })),
    deployments: routes,
    generatedAt: timestampFromMs(Date.now()),
  });
}
