import { recordAudit } from "../audit/record-audit.js";
import type { Caller } from "../auth/caller.js";
import { getApplication } from "../catalog/projects.js";
import { getDeploymentRow, getDeploymentRowBySeq } from "../history/get-history.js";
import { withLifecycleEvent } from "../lifecycle-log/lifecycle-event.js";
import type { ServerContext } from "../server-context.js";
import type { DeploymentTable } from "../store/schema.js";
import { publishDeployment } from "./publish-changes.js";

/** Pins (or unpins) a deployment and sets its note; logged, audited and published. History is all it changes. */
export async function annotateDeployment(
  ctx: ServerContext,
  input: {
    project: string;
    app: string;
    seq: number;
    pinned: boolean;
    note: string;
    actor?: Pick<Caller, "tokenId" | "name">;
  },
): Promise<DeploymentTable> {
  const db = ctx.store.db;
  const app = await getApplication(db, input.project, input.app);
  const row = await getDeploymentRowBySeq(db, app, input.seq);
  const note = input.note.trim();
  await withLifecycleEvent(
    db,
    {
      kind: "deployment.annotated",
      project: app.project,
      appId: app.id,
      actor: input.actor,
      reason: note,
      gitSha: row.git_sha,
      deploymentId: row.id,
      details: { pinned: input.pinned },
    },
    (trx) =>
      trx
        .updateTable("deployments")
        .set({ pinned: input.pinned ? 1 : 0, note })
        .where("id", "=", row.id)
        .execute(),
  );
  await recordAudit(db, {
    actor: input.actor,
    action: "deployment.annotate",
    project: app.project,
    app: app.name,
    target: row.id,
    details: { seq: row.seq, pinned: input.pinned, note },
  });
  await publishDeployment(ctx, row.id);
  return getDeploymentRow(db, row.id);
}
