import type { Kysely } from "kysely";
import type { Database } from "../../store/schema.js";
import { labelPrefix, managedSelector } from "./deployment-manifest.js";
import { type KubeTarget, kubeError, statusOf } from "./kube-client.js";

/** Deployment statuses whose objects have no business in a cluster any more. */
const finished = ["destroyed", "failed"];

/**
 * Deletes the Deployments and Secrets Berth made for deployments this server's store records as destroyed or
 * failed (a server stopped before it finished deleting them). Objects of deployments the store does not know are
 * left alone: a namespace may be shared with another server. Returns the deployment ids swept.
 */
export async function sweepDeployments(target: KubeTarget, db: Kysely<Database>): Promise<string[]> {
  const { namespace } = target;
  const [deployments, secrets] = await Promise.all([
    target.apps.listNamespacedDeployment({ namespace, labelSelector: managedSelector }),
    target.core.listNamespacedSecret({ namespace, labelSelector: managedSelector }),
  ]).catch((err: unknown) => {
    throw kubeError(err, target, `list Berth's objects in namespace "${namespace}"`);
  });
  const idOf = (o: { metadata?: { labels?: Record<string, string> } }) =>
    o.metadata?.labels?.[`${labelPrefix}deployment-id`] ?? "";
  const ids = [...new Set([...deployments.items, ...secrets.items].map(idOf))].filter(Boolean);
  if (ids.length === 0) return [];
  const gone = new Set(
    (
      await db
        .selectFrom("deployments")
        .select("id")
        .where("id", "in", ids)
        .where("status", "in", finished)
        .execute()
    ).map((r) => r.id),
  );
  const ignoreMissing = (err: unknown) => {
    if (statusOf(err) !== 404) throw err;
  };
  await Promise.all([
    ...deployments.items
      .filter((d) => gone.has(idOf(d)))
      .map((d) =>
        target.apps
          .deleteNamespacedDeployment({
            name: d.metadata?.name ?? "",
            namespace,
            propagationPolicy: "Background",
          })
          .catch(ignoreMissing),
      ),
    ...secrets.items
      .filter((s) => gone.has(idOf(s)))
      .map((s) =>
        target.core.deleteNamespacedSecret({ name: s.metadata?.name ?? "", namespace }).catch(ignoreMissing),
      ),
  ]);
  return [...gone];
}
