// Projects and applications: upserted from berth.hcl, listed and looked up by name.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import { ulid } from "ulid";
import type { ApplicationTable, Database, ProjectTable } from "../store/schema.js";
import { parseReleaseTargets } from "./to-proto.js";

/** Creates the project if missing (touching updated_at otherwise; reviving a deleted one) and returns it. */
export async function upsertProject(
  db: Kysely<Database>,
  name: string,
  now = Date.now(),
): Promise<ProjectTable> {
  await db
    .insertInto("projects")
    .values({ name, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column("name").doUpdateSet({ updated_at: now, deleted_at: null }))
    .execute();
  return getProject(db, name);
}

/** The project called `name`, or NotFound naming it (a deleted one too, unless `includeDeleted`). */
export async function getProject(
  db: Kysely<Database>,
  name: string,
  options: { includeDeleted?: boolean } = {},
): Promise<ProjectTable> {
  const row = await db.selectFrom("projects").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw new ConnectError(`project "${name}" not found`, Code.NotFound);
  if (row.deleted_at !== null && !options.includeDeleted)
    throw new ConnectError(`project "${name}" was deleted`, Code.NotFound);
  return row;
}

/** Every project that is not deleted, by name. */
export async function listProjects(db: Kysely<Database>): Promise<ProjectTable[]> {
  return db.selectFrom("projects").selectAll().where("deleted_at", "is", null).orderBy("name").execute();
}

/** App names per project, for Project.applications. */
export async function appNamesByProject(
  db: Kysely<Database>,
  projects?: string[],
): Promise<Map<string, string[]>> {
  let q = db
    .selectFrom("applications")
    .select(["project", "name"])
    .where("deleted_at", "is", null)
    .orderBy("project")
    .orderBy("name");
  if (projects) {
    if (projects.length === 0) return new Map();
    q = q.where("project", "in", projects);
  }
  const out = new Map<string, string[]>();
  for (const row of await q.execute()) {
    const list = out.get(row.project) ?? [];
    list.push(row.name);
    out.set(row.project, list);
  }
  return out;
}

export interface UpsertApplicationInput {
  project: string;
  app: string;
  labels: Record<string, string>;
  configJson: string;
}

/** Creates or updates an application from its berth.hcl declaration; the project is created if missing. */
export async function upsertApplication(
  db: Kysely<Database>,
  input: UpsertApplicationInput,
  now = Date.now(),
): Promise<ApplicationTable> {
  await upsertProject(db, input.project, now);
  const labelsJson = JSON.stringify(input.labels);
  const configJson = input.configJson === "" ? "{}" : input.configJson;
  await db
    .insertInto("applications")
    .values({
      id: ulid(now),
      project: input.project,
      name: input.app,
      labels_json: labelsJson,
      config_json: configJson,
      current_release_id: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(["project", "name"])
        .doUpdateSet({ labels_json: labelsJson, config_json: configJson, updated_at: now, deleted_at: null }),
    )
    .execute();
  return getApplication(db, input.project, input.app);
}

/** The application `app` of `project`, or NotFound naming both. */
export async function getApplication(
  db: Kysely<Database>,
  project: string,
  app: string,
): Promise<ApplicationTable> {
  const row = await db
    .selectFrom("applications")
    .selectAll()
    .where("project", "=", project)
    .where("name", "=", app)
    .executeTakeFirst();
  if (row) return row;
  const projectExists = await db
    .selectFrom("projects")
    .select("name")
    .where("name", "=", project)
    .executeTakeFirst();
  if (!projectExists) throw new ConnectError(`project "${project}" not found`, Code.NotFound);
  throw new ConnectError(`application "${app}" not found in project "${project}"`, Code.NotFound);
}

/** The application with this id (history rows carry only app_id), or NotFound. */
export async function getApplicationById(db: Kysely<Database>, id: string): Promise<ApplicationTable> {
  const row = await db.selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ConnectError(`application id "${id}" not found`, Code.NotFound);
  return row;
}

/**
 * The applications of a project, by name; NotFound if the project does not exist. Deleted apps (and a deleted
 * project) only with `includeDeleted`: history readers still find them.
 */
export async function listApplications(
  db: Kysely<Database>,
  project: string,
  options: { includeDeleted?: boolean } = {},
): Promise<ApplicationTable[]> {
  await getProject(db, project, options);
  return db
    .selectFrom("applications")
    .selectAll()
    .where("project", "=", project)
    .$if(!options.includeDeleted, (q) => q.where("deleted_at", "is", null))
    .orderBy("name")
    .execute();
}

/** The deployment an app's public URL serves: the heaviest target of its current release. */
export interface ReleasedDeployment {
  deploymentId: string;
  seq: number;
  releaseId: string;
  /** Every deployment the current release targets (more than one during a canary). */
  targetIds: string[];
  /** The same targets with their vN and share of traffic. */
  targets: { deploymentId: string; seq: number; weight: number }[];
}

/** The released deployment of each app that has a current release, keyed by app id. */
export async function releasedDeployments(
  db: Kysely<Database>,
  apps: ApplicationTable[],
): Promise<Map<string, ReleasedDeployment>> {
  const releaseIds = apps.map((a) => a.current_release_id).filter((id): id is string => !!id);
  const out = new Map<string, ReleasedDeployment>();
  if (releaseIds.length === 0) return out;
  const releases = await db
    .selectFrom("releases")
    .select(["id", "app_id", "targets_json"])
    .where("id", "in", releaseIds)
    .execute();
  const primaries = releases.map((r) => {
    const targets = parseReleaseTargets(r.targets_json);
    // Ties go to the later target: a 50/50 canary reports the new deployment.
    const primary = targets.reduce<(typeof targets)[number] | undefined>(
      (best, t) => (!best || t.weight >= best.weight ? t : best),
      undefined,
    );
    return { release: r, primary, targets, targetIds: targets.map((t) => t.deploymentId) };
  });
  const ids = [...new Set(primaries.flatMap((p) => p.targetIds))];
  const seqs = new Map(
    ids.length === 0
      ? []
      : (await db.selectFrom("deployments").select(["id", "seq"]).where("id", "in", ids).execute()).map(
          (d) => [d.id, d.seq],
        ),
  );
  for (const { release, primary, targets, targetIds } of primaries) {
    if (!primary) continue;
    out.set(release.app_id, {
      deploymentId: primary.deploymentId,
      seq: seqs.get(primary.deploymentId) ?? 0,
      releaseId: release.id,
      targetIds,
      targets: targets.map((t) => ({ ...t, seq: seqs.get(t.deploymentId) ?? 0 })),
    });
  }
  return out;
}
