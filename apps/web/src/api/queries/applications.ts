import { DeploymentService, ProjectService } from "@berth/proto";
import { useQuery } from "@connectrpc/connect-query";

/** The deployment an app's URL serves now (undefined while none is released), kept live by app events. */
export function useReleasedDeployment(project: string, app: string) {
  const application = useQuery(ProjectService.method.getApplication, { app: { project, app } });
  const releasedId = application.data?.application?.releasedDeploymentId ?? "";
  const deployment = useQuery(
    DeploymentService.method.getDeployment,
    { id: releasedId },
    { enabled: Boolean(releasedId) },
  );
  return {
    application: application.data?.application,
    released: releasedId ? deployment.data?.deployment : undefined,
    isLoading: application.isLoading || deployment.isLoading,
    error: application.error ?? deployment.error,
  };
}
