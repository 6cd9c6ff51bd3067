// Single history records by id or by app + seq, NotFound naming what was asked for.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { BuildTable, Database, DeploymentTable, ReleaseTable } from "../store/schema.js";

/** The build with this id, or NotFound. */
export async function getBuildRow(db: Kysely<Database>, id: string): Promise<BuildTable> {
  const row = await db.selectFrom("builds").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ConnectError(`build "${id}" not found`, Code.NotFound);
  return row;
}

/** The deployment with this id, or NotFound. */
export async function getDeploymentRow(db: Kysely<Database>, id: string): Promise<DeploymentTable> {
  const row = await db.selectFrom("deployments").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ConnectError(`deployment "${id}" not found`, Code.NotFound);
  return row;
}

/** Deployment vN of an app, or NotFound naming it as "<app> v<N>". */
export async function getDeploymentRowBySeq(
  db: Kysely<Database>,
  app: { id: string; project: string; name: string },
  seq: number,
): Promise<DeploymentTable> {
  const row = await db
    .selectFrom("deployments")
    .selectAll()
    .where("app_id", "=", app.id)
    .where("seq", "=", seq)
    .executeTakeFirst();
  if (!row)
    throw new ConnectError(`deployment v${seq} of ${app.project}/${app.name} not found`, Code.NotFound);
  return row;
}

/** The release with this id, or NotFound. */
export async function getReleaseRow(db: Kysely<Database>, id: string): Promise<ReleaseTable> {
  const row = await db.selectFrom("releases").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ConnectError(`release "${id}" not found`, Code.NotFound);
  return row;
}

/** Deployment rows by id, for resolving release targets. */
export async function deploymentRowsById(
  db: Kysely<Database>,
  ids: string[],
): Promise<Map<string, DeploymentTable>> {
  const unique = [...new Set(ids)].filter((id) => id !== "");
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom("deployments").selectAll().where("id", "in", unique).execute();
  return new Map(rows.map((r) => [r.id, r]));
}
