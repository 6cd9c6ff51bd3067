import {
  ArtifactService,
  AuditService,
  AuthService,
  BuildService,
  ConfigService,
  DeploymentService,
  EntrypointService,
  EventService,
  ExecService,
  GitService,
  JobService,
  LifecycleService,
  LogService,
  NotificationService,
  OidcProviderService,
  ProjectService,
  ReleaseService,
  ReplicaService,
  RolloutService,
  RouterService,
  RunnerService,
} from "@berth/proto";
import type { ConnectRouter } from "@connectrpc/connect";
import { registerHealth } from "../health/health-service.js";
import { apiFiles, servedServices } from "../reflection/api-descriptors.js";
import { createDescriptorIndex } from "../reflection/descriptor-index.js";
import { registerReflection } from "../reflection/reflection-service.js";
import type { ServerContext } from "../server-context.js";
import { createArtifactService } from "./artifact-service.js";
import { createAuditService } from "./audit-service.js";
import { createAuthService } from "./auth-service.js";
import { createBuildService } from "./build-service.js";
import { createConfigService } from "./config-service.js";
import { createDeploymentService } from "./deployment-service.js";
import { createEntrypointService } from "./entrypoint-service.js";
import { createEventService } from "./event-service.js";
import { createExecService } from "./exec-service.js";
import { createGitService } from "./git-service.js";
import { createJobService } from "./job-service.js";
import { createLifecycleService } from "./lifecycle-service.js";
import { createLogService } from "./log-service.js";
import { createNotificationService } from "./notification-service.js";
import { createOidcProviderService } from "./oidc-provider-service.js";
import { createProjectService } from "./project-service.js";
import { createReleaseService } from "./release-service.js";
import { createReplicaService } from "./replica-service.js";
import { createRolloutService } from "./rollout-service.js";
import { createRouterService } from "./router-service.js";
import { createRunnerService } from "./runner-service.js";

/** Registers every berth.v1 service (and gRPC health + reflection) on the router. One line per service. */
export function registerServices(router: ConnectRouter, ctx: ServerContext): void {
  router.service(AuthService, createAuthService(ctx));
  router.service(ProjectService, createProjectService(ctx));
  router.service(BuildService, createBuildService(ctx));
  router.service(DeploymentService, createDeploymentService(ctx));
  router.service(ReleaseService, createReleaseService(ctx));
  router.service(ReplicaService, createReplicaService(ctx));
  router.service(RolloutService, createRolloutService(ctx));
  router.service(LifecycleService, createLifecycleService(ctx));
  router.service(ConfigService, createConfigService(ctx));
  router.service(AuditService, createAuditService(ctx));
  router.service(EventService, createEventService(ctx));
  router.service(LogService, createLogService(ctx));
  router.service(ExecService, createExecService(ctx));
  router.service(EntrypointService, createEntrypointService(ctx));
  router.service(JobService, createJobService(ctx));
  router.service(RunnerService, createRunnerService(ctx));
  router.service(RouterService, createRouterService(ctx));
  router.service(ArtifactService, createArtifactService(ctx));
  router.service(NotificationService, createNotificationService(ctx));
  router.service(OidcProviderService, createOidcProviderService(ctx));
  router.service(GitService, createGitService(ctx));

  // Keep these last: they describe whatever was registered above.
  const services = () => servedServices(router);
  registerHealth(router, { services, shutdownSignal: ctx.shutdownSignal });
  registerReflection(router, { index: createDescriptorIndex(apiFiles()), services });
}
