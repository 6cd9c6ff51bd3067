// History rows → protos with the lookups they need (app names, released flags, release targets).
import type { Build, Deployment, Release } from "@berth/proto";
import type { Kysely } from "kysely";
import { getApplicationById, releasedDeployments } from "../catalog/projects.js";
import {
  type AppNames,
  parseReleaseTargets,
  toBuildProto,
  toDeploymentProto,
  toReleaseProto,
} from "../catalog/to-proto.js";
import type { UrlOptions } from "../catalog/urls.js";
import type {
  ApplicationTable,
  BuildTable,
  Database,
  DeploymentTable,
  ReleaseTable,
} from "../store/schema.js";
import { deploymentRowsById } from "./get-history.js";

const namesOf = (app: ApplicationTable): AppNames => ({ project: app.project, app: app.name });

/** Builds of one app as Builds. */
export function buildProtos(app: ApplicationTable, rows: BuildTable[]): Build[] {
  return rows.map((r) => toBuildProto(r, namesOf(app)));
}

/** One build as a Build (looks its app up). */
export async function buildProto(db: Kysely<Database>, row: BuildTable): Promise<Build> {
  return toBuildProto(row, namesOf(await getApplicationById(db, row.app_id)));
}

/** Deployments of one app as Deployments, flagging those its current release targets. */
export async function deploymentProtos(
  db: Kysely<Database>,
  app: ApplicationTable,
  rows: DeploymentTable[],
  urls: UrlOptions,
): Promise<Deployment[]> {
  const released = new Set((await releasedDeployments(db, [app])).get(app.id)?.targetIds ?? []);
  return rows.map((r) => toDeploymentProto(r, namesOf(app), urls, released.has(r.id)));
}

/** One deployment as a Deployment (looks its app and release up). */
export async function deploymentProto(
  db: Kysely<Database>,
  row: DeploymentTable,
  urls: UrlOptions,
): Promise<Deployment> {
  const [proto] = await deploymentProtos(db, await getApplicationById(db, row.app_id), [row], urls);
  return proto!;
}

/** Releases of one app as Releases, their targets resolved to seqs and git. */
export async function releaseProtos(
  db: Kysely<Database>,
  app: ApplicationTable,
  rows: ReleaseTable[],
  urls: UrlOptions,
): Promise<Release[]> {
  const ids = rows.flatMap((r) => parseReleaseTargets(r.targets_json).map((t) => t.deploymentId));
  const deployments = await deploymentRowsById(db, ids);
  return rows.map((r) => toReleaseProto(r, namesOf(app), deployments, urls));
}

/** One release as a Release. */
export async function releaseProto(
  db: Kysely<Database>,
  row: ReleaseTable,
  urls: UrlOptions,
): Promise<Release> {
  const [proto] = await releaseProtos(db, await getApplicationById(db, row.app_id), [row], urls);
  return proto!;
}
