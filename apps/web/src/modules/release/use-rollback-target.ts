import { DeploymentService, ReleaseService } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";

/** The deployment a rollback would return to: the latest earlier release that served something else. */
export function useRollbackTarget(project: string, app: string, releasedId: string | undefined) {
  const releases = useQuery(ReleaseService.method.listReleases, { app: { project, app }, pageSize: 10 });
  const previous = releases.data?.releases.find(
    (r) => r.targets.length > 0 && r.targets[0]!.deploymentId !== releasedId,
  );
  const targetId = previous?.targets[0]?.deploymentId ?? "";
  const target = useQuery(
    DeploymentService.method.getDeployment,
    { id: targetId },
    { enabled: Boolean(targetId) },
  );
  return {
    target: target.data?.deployment,
    isLoading: releases.isLoading || target.isLoading,
    error: releases.error ?? target.error,
  };
}
