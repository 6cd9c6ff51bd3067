import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { getProject, listApplications } from "../catalog/projects.js";
import { deleteProjectSubscriptions } from "../notifications/subscriptions.js";
import type { ServerContext } from "../server-context.js";
import { deleteApplication } from "./delete-application.js";
import type { Engine } from "./engine.js";

/**
 * Deletes every app of a project (see deleteApplication), then marks the project deleted and drops its notification
 * subscriptions. Its history, config revisions and audit trail stay; a later `berth up` into the same name revives it.
 */
export async function deleteProject(
  ctx: ServerContext,
  engine: Engine,
  input: { project: string; actor?: Pick<Caller, "tokenId" | "name"> },
): Promise<{ applications: string[]; destroyedDeployments: number }> {
  const db = ctx.store.db;
  await getProject(db, input.project);
  const apps = await listApplications(db, input.project);
  let destroyedDeployments = 0;
  for (const app of apps) {
    const destroyed = await deleteApplication(ctx, engine, {
      project: input.project,
      app: app.name,
      actor: input.actor,
      reason: "project deleted",
    });
    destroyedDeployments += destroyed.length;
  }
  const now = Date.now();
  await db
    .updateTable("projects")
    .set({ deleted_at: now, updated_at: now })
    .where("name", "=", input.project)
    .execute();
  const subscriptions = await deleteProjectSubscriptions(db, input.project);
  const applications = apps.map((a) => a.name);
  await recordAudit(db, {
    actor: input.actor,
    action: "project.delete",
    project: input.project,
    target: input.project,
    details: { applications, destroyedDeployments, subscriptions },
  });
  return { applications, destroyedDeployments };
}
