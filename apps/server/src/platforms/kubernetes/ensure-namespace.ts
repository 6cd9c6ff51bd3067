import { labelPrefix } from "./deployment-manifest.js";
import { type KubeTarget, kubeError, statusOf } from "./kube-client.js";

/**
 * Makes the deployment's namespace when it does not exist yet (labelled as Berth's; Berth never deletes a
 * namespace: other deployments, or other tenants, may live in it). Credentials bound to one namespace may not read
 * namespaces at all (403): theirs is taken to exist (creating the Secret tells if it does not). Missing and not
 * permitted to create → an error naming the namespace and what to do.
 */
export async function ensureNamespace(target: KubeTarget): Promise<void> {
  const { namespace } = target;
  try {
    await target.core.readNamespace({ name: namespace });
    return;
  } catch (err) {
    const code = statusOf(err);
    if (code === 403) return;
    if (code !== 404) throw kubeError(err, target, `read namespace "${namespace}"`);
  }
  try {
    await target.core.createNamespace({
      body: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace, labels: { [`${labelPrefix}managed-by`]: "berth" } },
      },
      fieldValidation: "Strict",
    });
  } catch (err) {
    const code = statusOf(err);
    if (code === 409) return; // made meanwhile (another deploy, another server)
    if (code === 403) throw missingNamespace(target, err);
    throw kubeError(err, target, `create namespace "${namespace}"`);
  }
}

/** The namespace does not exist and these credentials may not create it: what to do, naming it. */
export function missingNamespace(target: KubeTarget, cause: unknown): Error {
  const { namespace, server } = target;
  return new Error(
    `namespace "${namespace}" does not exist in ${server} and these credentials may not create it: ` +
      `create it (kubectl create namespace ${namespace}) or name an existing one in berth.hcl (namespace = "…")`,
    { cause },
  );
}
