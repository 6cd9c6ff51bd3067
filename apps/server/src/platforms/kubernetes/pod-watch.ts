import { setTimeout as sleep } from "node:timers/promises";
import type { V1Pod } from "@kubernetes/client-node";
import { managedSelector } from "./deployment-manifest.js";
import type { KubeTarget } from "./kube-client.js";

/** A running watch of Berth's pods in one namespace. */
export interface PodWatch {
  /** The pods as last listed or watched. */
  pods(): readonly V1Pod[];
  stop(): Promise<void>;
}

/**
 * Lists Berth's pods in the target's namespace and then watches them from that list's resourceVersion (the
 * client's informer), calling `onPod` for every added, changed or deleted pod. A watch that fails (the API
 * server restarted, a 410 Gone) is started again after a pause that doubles up to 30 s while it keeps failing.
 * Resolves once the first list is in and the watch is open.
 */
export async function watchPods(
  target: KubeTarget,
  onPod: (pod: V1Pod, deleted: boolean) => void,
  onError: (err: unknown) => void,
): Promise<PodWatch> {
  const { makeInformer } = await import("@kubernetes/client-node");
  const informer = makeInformer<V1Pod>(
    target.kc,
    `/api/v1/namespaces/${target.namespace}/pods`,
    () => target.core.listNamespacedPod({ namespace: target.namespace, labelSelector: managedSelector }),
    managedSelector,
  );
  let stopped = false;
  let pauseMs = 1000;
  const stop = new AbortController();
  const seen = (pod: V1Pod, deleted: boolean) => {
    pauseMs = 1000;
    onPod(pod, deleted);
  };
  informer.on("add", (pod) => seen(pod, false));
  informer.on("update", (pod) => seen(pod, false));
  informer.on("delete", (pod) => seen(pod, true));
  informer.on("error", (err) => {
    if (stopped) return;
    onError(err);
    // The informer does not restart itself after an error.
    const pause = pauseMs;
    pauseMs = Math.min(pauseMs * 2, 30_000);
    sleep(pause, undefined, { signal: stop.signal })
      .then(() => (stopped ? undefined : informer.start()))
      .catch(() => undefined);
  });
  await informer.start();
  return {
    pods: () => informer.list(target.namespace),
    async stop() {
      stopped = true;
      stop.abort();
      await informer.stop();
    },
  };
}
