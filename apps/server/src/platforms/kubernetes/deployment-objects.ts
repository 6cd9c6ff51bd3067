import type { DeploymentSpec } from "../platform.js";
import { deploymentManifest, labelPrefix, objectNames, secretManifest } from "./deployment-manifest.js";
import { ensureNamespace, missingNamespace } from "./ensure-namespace.js";
import { type KubeTarget, kubeError, statusOf } from "./kube-client.js";

/**
 * Creates a deployment's namespace if it is missing, its Secret (the entrypoint token) and then its Deployment. Objects of the same deployment
 * left by an earlier attempt are taken over (the Secret gets the new token); an object of that name belonging to
 * another deployment is an error naming it. Field validation is strict: the API rejects a field it does not know
 * instead of dropping it.
 */
export async function createObjects(
  target: KubeTarget,
  spec: DeploymentSpec,
  env: Record<string, string>,
  token: string,
): Promise<void> {
  const { namespace } = target;
  const names = objectNames(spec);
  const deployment = deploymentManifest(spec, env);
  const secret = secretManifest(spec, token);
  await ensureNamespace(target);
  try {
    await target.core.createNamespacedSecret({ namespace, body: secret, fieldValidation: "Strict" });
  } catch (err) {
    // Only a missing namespace makes a create 404 (credentials that could not look for it before).
    if (statusOf(err) === 404) throw missingNamespace(target, err);
    if (statusOf(err) !== 409) throw kubeError(err, target, `create Secret "${names.secret}"`);
    await ensureOurs(target, "Secret", names.secret, spec.deploymentId);
    await target.core
      .replaceNamespacedSecret({ name: names.secret, namespace, body: secret, fieldValidation: "Strict" })
      .catch((e: unknown) => {
        throw kubeError(e, target, `replace Secret "${names.secret}"`);
      });
  }
  try {
    await target.apps.createNamespacedDeployment({ namespace, body: deployment, fieldValidation: "Strict" });
  } catch (err) {
    if (statusOf(err) !== 409) throw kubeError(err, target, `create Deployment "${names.deployment}"`);
    await ensureOurs(target, "Deployment", names.deployment, spec.deploymentId);
  }
}

/**
 * Writes a renewed entrypoint token into the deployment's Secret: a container that restarts reads it from there
 * (its env's secretKeyRef is resolved at each container start).
 */
export async function replaceToken(target: KubeTarget, spec: DeploymentSpec, token: string): Promise<void> {
  const name = objectNames(spec).secret;
  await ensureOurs(target, "Secret", name, spec.deploymentId);
  await target.core
    .replaceNamespacedSecret({
      name,
      namespace: target.namespace,
      body: secretManifest(spec, token),
      fieldValidation: "Strict",
    })
    .catch((err: unknown) => {
      throw kubeError(err, target, `replace Secret "${name}"`);
    });
}

/** Fails unless the object named `name` carries this deployment's id. */
async function ensureOurs(
  target: KubeTarget,
  kind: "Deployment" | "Secret",
  name: string,
  deploymentId: string,
): Promise<void> {
  const { namespace } = target;
  const found = await (kind === "Deployment"
    ? target.apps.readNamespacedDeployment({ name, namespace })
    : target.core.readNamespacedSecret({ name, namespace })
  ).catch((err: unknown) => {
    throw kubeError(err, target, `read ${kind} "${name}"`);
  });
  if (found.metadata?.labels?.[`${labelPrefix}deployment-id`] !== deploymentId)
    throw new Error(
      `a ${kind} "${name}" that Berth did not create for this deployment already exists in namespace "${namespace}" of ${target.server}`,
    );
}

/** Deletes a deployment's Deployment and Secret (found by its label; nothing else); missing ones are fine. */
export async function deleteObjects(target: KubeTarget, deploymentId: string): Promise<void> {
  const { namespace } = target;
  const labelSelector = `${labelPrefix}deployment-id=${deploymentId}`;
  const [deployments, secrets] = await Promise.all([
    target.apps.listNamespacedDeployment({ namespace, labelSelector }),
    target.core.listNamespacedSecret({ namespace, labelSelector }),
  ]).catch((err: unknown) => {
    throw kubeError(err, target, `list the objects of deployment ${deploymentId}`);
  });
  const ignoreMissing = (what: string) => (err: unknown) => {
    if (statusOf(err) !== 404) throw kubeError(err, target, `delete ${what}`);
  };
  await Promise.all([
    ...deployments.items.map((d) => {
      const name = d.metadata?.name ?? "";
      // Background: the call returns at once and the garbage collector removes the ReplicaSet and its pods.
      return target.apps
        .deleteNamespacedDeployment({ name, namespace, propagationPolicy: "Background" })
        .catch(ignoreMissing(`Deployment "${name}"`));
    }),
    ...secrets.items.map((s) => {
      const name = s.metadata?.name ?? "";
      return target.core.deleteNamespacedSecret({ name, namespace }).catch(ignoreMissing(`Secret "${name}"`));
    }),
  ]);
}

/** Whether the deployment's Deployment exists (resume adopts it rather than making another). */
export async function hasDeployment(target: KubeTarget, deploymentId: string): Promise<boolean> {
  const list = await target.apps
    .listNamespacedDeployment({
      namespace: target.namespace,
      labelSelector: `${labelPrefix}deployment-id=${deploymentId}`,
    })
    .catch((err: unknown) => {
      throw kubeError(err, target, `list the Deployments of deployment ${deploymentId}`);
    });
  return list.items.length > 0;
}
