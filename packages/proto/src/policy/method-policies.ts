/**
 * Who may call each RPC: the one policy table the server enforces, the BFF's browser allow-list is
 * read from, and docs/security.md is checked against.
 */

export type TokenKindName = "login" | "runner" | "entrypoint" | "router" | "replica";
export type RoleName = "viewer" | "deployer" | "admin";

/** Who may call a method. Methods missing from the policy are denied to everyone. */
export interface MethodPolicy {
  /** No token needed (health, reflection, redeeming a login code). */
  public?: boolean;
  /** Token kinds allowed. */
  kinds?: TokenKindName[];
  /** Minimum role for login tokens. */
  role?: RoleName;
  /**
   * The dashboard calls it through the BFF's gateway. Everything else answers 404 to the browser,
   * whatever the session's role: an allow-list, so a new RPC is closed to the browser until added here.
   */
  browser?: true;
}

const viewer: MethodPolicy = { kinds: ["login"], role: "viewer" };
const deployer: MethodPolicy = { kinds: ["login"], role: "deployer" };
const admin: MethodPolicy = { kinds: ["login"], role: "admin" };
const browserViewer: MethodPolicy = { ...viewer, browser: true };
const browserDeployer: MethodPolicy = { ...deployer, browser: true };
const browserAdmin: MethodPolicy = { ...admin, browser: true };

/**
 * The authorisation table, keyed by "<service type name>/<method name>".
 * Entrypoint methods are additionally checked against the token's deployment in their handlers.
 */
export const methodPolicies: Readonly<Record<string, MethodPolicy>> = {
  "grpc.health.v1.Health/Check": { public: true },
  "grpc.health.v1.Health/Watch": { public: true },
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": { public: true },
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": { public: true },

  "berth.v1.AuthService/WhoAmI": { kinds: ["login", "runner", "entrypoint"] },
  "berth.v1.AuthService/CreateToken": admin,
  // The dashboard's users and sessions page (admins only): who has access, through what, last seen, revoke.
  "berth.v1.AuthService/RevokeToken": { ...admin, browser: true },
  "berth.v1.AuthService/ListTokens": { ...admin, browser: true },
  "berth.v1.AuthService/CreateLoginCode": admin,
  "berth.v1.AuthService/RedeemLoginCode": { public: true },
  "berth.v1.AuthService/CreateSessionToken": viewer,
  "berth.v1.AuthService/CreateExternalSessionToken": admin,
  "berth.v1.AuthService/RevokeOwnToken": { kinds: ["login", "runner", "entrypoint"] },
  // Developer self-service (the Get started and tokens pages): every signed-in person, for themself; the
  // handlers keep roles at most the caller's and other people's tokens to admins.
  "berth.v1.AuthService/CreatePersonalToken": browserViewer,
  "berth.v1.AuthService/ListPersonalTokens": browserViewer,
  "berth.v1.AuthService/RevokePersonalToken": browserViewer,
  "berth.v1.AuthService/CreateOwnLoginCode": browserViewer,

  "berth.v1.ProjectService/UpsertProject": deployer,
  "berth.v1.ProjectService/ListProjects": browserViewer,
  "berth.v1.ProjectService/GetProject": viewer,
  "berth.v1.ProjectService/UpsertApplication": deployer,
  "berth.v1.ProjectService/ListApplications": browserViewer,
  "berth.v1.ProjectService/GetApplication": browserViewer,
  "berth.v1.ProjectService/DeleteApplication": browserAdmin,
  "berth.v1.ProjectService/DeleteProject": browserAdmin,
  "berth.v1.ProjectService/ListCatalog": browserViewer,

  "berth.v1.BuildService/GetBuild": viewer,
  "berth.v1.BuildService/ListBuilds": browserViewer,

  // Builds from a repository (deployers: it deploys) and the project's inbound webhook.
  "berth.v1.GitService/DeployCommit": browserDeployer,
  // The secret is shown once; making one replaces the old, which stops every forge using it: admins only.
  "berth.v1.GitService/CreateWebhookSecret": browserAdmin,
  "berth.v1.GitService/GetWebhook": browserViewer,
  "berth.v1.GitService/ListWebhookDeliveries": browserViewer,
  "berth.v1.GitService/ListPreviews": browserViewer,

  "berth.v1.DeploymentService/GetDeployment": browserViewer,
  "berth.v1.DeploymentService/ListDeployments": browserViewer,
  "berth.v1.DeploymentService/ListInstances": browserViewer,
  "berth.v1.DeploymentService/ListCommitsBetween": browserViewer,
  "berth.v1.DeploymentService/DestroyDeployment": browserDeployer,
  "berth.v1.DeploymentService/ScaleDeployment": browserDeployer,

  "berth.v1.ReleaseService/Release": browserDeployer,
  "berth.v1.ReleaseService/Rollback": browserDeployer,
  "berth.v1.ReleaseService/GetRelease": viewer,
  "berth.v1.ReleaseService/ListReleases": browserViewer,
  "berth.v1.RolloutService/StartRollout": browserDeployer,
  "berth.v1.RolloutService/AdvanceRollout": browserDeployer,
  "berth.v1.RolloutService/AbortRollout": browserDeployer,
  "berth.v1.RolloutService/CompleteRollout": browserDeployer,
  "berth.v1.RolloutService/GetRollout": browserViewer,
  "berth.v1.RolloutService/WatchRollout": browserViewer,
  "berth.v1.DeploymentService/AnnotateDeployment": browserDeployer,
  "berth.v1.LifecycleService/GetShaLifecycle": browserViewer,
  "berth.v1.LifecycleService/GetLiveAt": browserViewer,
  "berth.v1.LifecycleService/ListLiveIntervals": browserViewer,

  "berth.v1.ArtifactService/UploadArtifact": { kinds: ["login", "runner"], role: "deployer" },
  "berth.v1.ArtifactService/DownloadArtifact": { kinds: ["login", "runner"], role: "deployer" },
  "berth.v1.ArtifactService/HasArtifact": { kinds: ["login", "runner"], role: "deployer" },

  "berth.v1.ConfigService/SetConfigVars": browserDeployer,
  "berth.v1.ConfigService/ListConfigVars": browserViewer,
  "berth.v1.ConfigService/ListConfigRevisions": browserViewer,
  "berth.v1.ConfigService/RestoreConfigRevision": browserDeployer,
  "berth.v1.ConfigService/DiffConfigRevisions": browserViewer,

  "berth.v1.JobService/QueueJob": deployer,
  "berth.v1.JobService/GetJob": browserViewer,
  "berth.v1.JobService/ListJobs": browserViewer,
  "berth.v1.JobService/CancelJob": browserDeployer,
  "berth.v1.JobService/GetJobStream": browserViewer,

  "berth.v1.RunnerService/ListRunners": browserViewer,
  // The CLI registers itself as a runner with its login token; agents use runner tokens.
  "berth.v1.RunnerService/RunnerJobStream": { kinds: ["login", "runner"], role: "deployer" },

  // Which server replicas share the store, alive or dead (addresses of the control plane: no secrets).
  "berth.v1.ReplicaService/ListReplicas": viewer,
  // Between replicas: a replica's own token reaches the entrypoint another replica holds (logs, exec), nothing else.
  "berth.v1.ReplicaService/ForwardLogStream": { kinds: ["replica"] },
  "berth.v1.ReplicaService/ForwardExecStream": { kinds: ["replica"] },

  "berth.v1.LogService/GetLogStream": browserViewer,
  // The browser's terminal reaches it through the BFF's WebSocket bridge, not the gateway.
  "berth.v1.ExecService/StartExecStream": deployer,

  "berth.v1.EntrypointService/EntrypointSession": { kinds: ["entrypoint"] },
  "berth.v1.EntrypointService/UploadLogs": { kinds: ["entrypoint"] },
  "berth.v1.EntrypointService/EntrypointExec": { kinds: ["entrypoint"] },

  "berth.v1.RouterService/WatchRoutes": { kinds: ["router"] },
  "berth.v1.RouterService/ReportTraffic": { kinds: ["router"] },

  "berth.v1.EventService/WatchEvents": browserViewer,
  "berth.v1.AuditService/ListAuditEvents": browserViewer,

  "berth.v1.NotificationService/CreateNotificationSubscription": browserDeployer,
  "berth.v1.NotificationService/ListNotificationSubscriptions": browserViewer,
  "berth.v1.NotificationService/DeleteNotificationSubscription": browserDeployer,
  "berth.v1.NotificationService/ListNotificationDeliveries": browserViewer,
  "berth.v1.NotificationService/RedeliverNotification": browserDeployer,

  // Sign-in providers (admins only, the dashboard's Sign-in providers page). RedeemOidcCode is the BFF's
  // callback with its own admin token, never the browser's.
  "berth.v1.OidcProviderService/ListOidcProviders": browserAdmin,
  "berth.v1.OidcProviderService/CreateOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/UpdateOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/SetOidcProviderRules": browserAdmin,
  "berth.v1.OidcProviderService/DisableOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/EnableOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/DeleteOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/TestOidcProvider": browserAdmin,
  "berth.v1.OidcProviderService/ListOidcProviderSignIns": browserAdmin,
  "berth.v1.OidcProviderService/RedeemOidcCode": admin,
};

/** The policy of "<service>/<method>", or undefined when the method is closed to everyone. */
export function methodPolicy(method: string): MethodPolicy | undefined {
  return Object.hasOwn(methodPolicies, method) ? methodPolicies[method] : undefined;
}
