// Audit rows name their target by id (a ULID); people name it "v3" or "release #5". The labels are looked
// up when listing, so the audit trail itself stays as it was written.
import type { Kysely } from "kysely";
import { parseReleaseTargets } from "../catalog/to-proto.js";
import type { AuditEventTable, Database } from "../store/schema.js";

function detailsOf(row: AuditEventTable): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(row.details_json);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A label per audit row id, for the rows whose target is a release, a deployment or an instance. */
export async function auditTargetLabels(
  db: Kysely<Database>,
  rows: readonly AuditEventTable[],
): Promise<Map<string, string>> {
  const releaseIds = rows.filter((r) => r.action.startsWith("release.")).map((r) => r.target);
  const instanceIds = rows.filter((r) => r.action.startsWith("exec.")).map((r) => r.target);
  const releases = releaseIds.length
    ? await db
        .selectFrom("releases")
        .select(["id", "seq", "targets_json"])
        .where("id", "in", releaseIds)
        .execute()
    : [];
  const instances = instanceIds.length
    ? await db
        .selectFrom("instances")
        .select(["id", "idx", "deployment_id"])
        .where("id", "in", instanceIds)
        .execute()
    : [];
  const deploymentIds = [
    ...rows.filter((r) => r.action.startsWith("deployment.")).map((r) => r.target),
    ...releases.flatMap((r) => parseReleaseTargets(r.targets_json).map((t) => t.deploymentId)),
    ...instances.map((i) => i.deployment_id),
    ...rows.flatMap((r) => {
      const id = detailsOf(r).deploymentId;
      return typeof id === "string" ? [id] : [];
    }),
  ].filter(Boolean);
  const seqs = new Map(
    (deploymentIds.length
      ? await db
          .selectFrom("deployments")
          .select(["id", "seq"])
          .where("id", "in", [...new Set(deploymentIds)])
          .execute()
      : []
    ).map((d) => [d.id, d.seq]),
  );
  const v = (id: string) => (seqs.has(id) ? `v${seqs.get(id)}` : "");
  const releaseLabels = new Map(
    releases.map((r) => {
      const targets = parseReleaseTargets(r.targets_json);
      const to = targets.map(
        (t) => `${v(t.deploymentId) || "?"}${targets.length > 1 ? ` ${t.weight}%` : ""}`,
      );
      return [r.id, `release #${r.seq} → ${to.join(", ")}`];
    }),
  );
  const instanceLabels = new Map(
    instances.map((i) => [i.id, `${v(i.deployment_id)} instance ${i.idx}`.trim()]),
  );
  const labels = new Map<string, string>();
  for (const row of rows) {
    const family = row.action.split(".")[0];
    const detailsDeployment = detailsOf(row).deploymentId;
    const label =
      family === "release"
        ? releaseLabels.get(row.target)
        : family === "deployment"
          ? v(row.target)
          : family === "exec"
            ? (instanceLabels.get(row.target) ??
              (typeof detailsDeployment === "string" ? v(detailsDeployment) : undefined))
            : undefined;
    if (label) labels.set(row.id, label);
  }
  return labels;
}
