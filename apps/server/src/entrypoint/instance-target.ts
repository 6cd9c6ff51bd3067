import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { Database, DeploymentTable, InstanceTable } from "../store/schema.js";

/** An instance with the deployment and app it belongs to. */
export interface InstanceTarget {
  instance: InstanceTable;
  deployment: DeploymentTable;
  project: string;
  app: string;
}

/** Looks up a deployment with its app names; NotFound names the id at fault. */
export async function findDeployment(
  db: Kysely<Database>,
  deploymentId: string,
): Promise<{ deployment: DeploymentTable; project: string; app: string }> {
  const row = await db
    .selectFrom("deployments")
    .innerJoin("applications", "applications.id", "deployments.app_id")
    .selectAll("deployments")
    .select(["applications.project as project_name", "applications.name as app_name"])
    .where("deployments.id", "=", deploymentId)
    .executeTakeFirst();
  if (!row) throw new ConnectError(`deployment "${deploymentId}" not found`, Code.NotFound);
  const { project_name, app_name, ...deployment } = row;
  return { deployment, project: project_name, app: app_name };
}

/** Looks up an instance, its deployment and app; NotFound names the id at fault. */
export async function findInstance(db: Kysely<Database>, instanceId: string): Promise<InstanceTarget> {
  const instance = await db
    .selectFrom("instances")
    .selectAll()
    .where("id", "=", instanceId)
    .executeTakeFirst();
  if (!instance) throw new ConnectError(`instance "${instanceId}" not found`, Code.NotFound);
  return { instance, ...(await findDeployment(db, instance.deployment_id)) };
}
