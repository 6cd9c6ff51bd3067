import type { V1Service } from "@kubernetes/client-node";
import type { DeploymentSpec } from "../platform.js";
import { labelPrefix, portOf } from "./deployment-manifest.js";
import { type KubeTarget, kubeError, statusOf } from "./kube-client.js";

/** The port the Service listens on inside the cluster (it forwards to the pods' container port). */
export const servicePort = 80;

/**
 * Waypoint's Kubernetes releaser: the app's Service (berth.hcl `service = "<name>"`) selects the pods of the
 * released deployment, so in-cluster clients reach the release at `<name>.<namespace>` on port 80 while Berth's router
 * keeps serving the app URL. Made on first release, then its selector (and target port) re-pointed on every release
 * and rollback: read, change, replace with the version read (again on a conflict). A Service of that name that
 * Berth did not make for this app is an error naming it; Berth never deletes the Service.
 */
export async function pointService(target: KubeTarget, spec: DeploymentSpec, name: string): Promise<void> {
  const { namespace } = target;
  const selector = { [`${labelPrefix}deployment-id`]: spec.deploymentId };
  const ports = [{ name: "http", port: servicePort, targetPort: portOf(spec) }];
  for (let attempt = 1; ; attempt++) {
    let found: V1Service | undefined;
    try {
      found = await target.core.readNamespacedService({ name, namespace });
    } catch (err) {
      if (statusOf(err) !== 404) throw kubeError(err, target, `read Service "${name}"`);
    }
    if (!found) {
      const body: V1Service = {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
          name,
          labels: {
            [`${labelPrefix}project`]: spec.project,
            [`${labelPrefix}app`]: spec.app,
            [`${labelPrefix}managed-by`]: "berth",
          },
        },
        spec: { selector, ports },
      };
      try {
        await target.core.createNamespacedService({ namespace, body, fieldValidation: "Strict" });
        return;
      } catch (err) {
        if (statusOf(err) !== 409 || attempt >= 3) throw kubeError(err, target, `create Service "${name}"`);
        continue; // made meanwhile: re-point it
      }
    }
    const labels = found.metadata?.labels ?? {};
    if (labels[`${labelPrefix}project`] !== spec.project || labels[`${labelPrefix}app`] !== spec.app)
      throw new Error(
        `a Service "${name}" that Berth did not make for ${spec.project}/${spec.app} already exists in namespace "${namespace}" of ${target.server}`,
      );
    const body: V1Service = { ...found, spec: { ...found.spec, selector, ports } };
    try {
      await target.core.replaceNamespacedService({ name, namespace, body, fieldValidation: "Strict" });
      return;
    } catch (err) {
      if (statusOf(err) !== 409 || attempt >= 3) throw kubeError(err, target, `replace Service "${name}"`);
    }
  }
}
