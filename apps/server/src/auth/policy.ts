import type { Role, TokenKind } from "./caller.js";

/** Who may call a method. Methods missing from the policy are denied to everyone. */
export interface MethodPolicy {
  /** No token needed (health, reflection, redeeming a login code). */
  public?: boolean;
  /** Token kinds allowed. */
  kinds?: TokenKind[];
  /** Minimum role for login tokens. */
  role?: Role;
}

const viewer: MethodPolicy = { kinds: ["login"], role: "viewer" };
const deployer: MethodPolicy = { kinds: ["login"], role: "deployer" };
const admin: MethodPolicy = { kinds: ["login"], role: "admin" };

/**
 * The authorisation table, keyed by "<service type name>/<method name>".
 * Entrypoint methods are additionally checked against the token's deployment in their handlers.
 */
export const methodPolicies: Record<string, MethodPolicy> = {
  "grpc.health.v1.Health/Check": { public: true },
  "grpc.health.v1.Health/Watch": { public: true },
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": { public: true },
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": { public: true },

  "berth.v1.AuthService/WhoAmI": { kinds: ["login", "runner", "entrypoint"] },
  "berth.v1.AuthService/CreateToken": admin,
  "berth.v1.AuthService/RevokeToken": admin,
  "berth.v1.AuthService/ListTokens": admin,
  "berth.v1.AuthService/CreateLoginCode": admin,
  "berth.v1.AuthService/RedeemLoginCode": { public: true },

  "berth.v1.ProjectService/UpsertProject": deployer,
  "berth.v1.ProjectService/ListProjects": viewer,
  "berth.v1.ProjectService/GetProject": viewer,
  "berth.v1.ProjectService/UpsertApplication": deployer,
  "berth.v1.ProjectService/ListApplications": viewer,
  "berth.v1.ProjectService/GetApplication": viewer,

  "berth.v1.BuildService/GetBuild": viewer,
  "berth.v1.BuildService/ListBuilds": viewer,

  "berth.v1.DeploymentService/GetDeployment": viewer,
  "berth.v1.DeploymentService/ListDeployments": viewer,
  "berth.v1.DeploymentService/ListInstances": viewer,
  "berth.v1.DeploymentService/ListCommitsBetween": viewer,
  "berth.v1.DeploymentService/DestroyDeployment": deployer,

  "berth.v1.ReleaseService/Release": deployer,
  "berth.v1.ReleaseService/Rollback": deployer,
  "berth.v1.ReleaseService/GetRelease": viewer,
  "berth.v1.ReleaseService/ListReleases": viewer,

  "berth.v1.ArtifactService/UploadArtifact": { kinds: ["login", "runner"], role: "deployer" },
  "berth.v1.ArtifactService/DownloadArtifact": { kinds: ["login", "runner"], role: "deployer" },
  "berth.v1.ArtifactService/HasArtifact": { kinds: ["login", "runner"], role: "deployer" },

  "berth.v1.ConfigService/SetConfigVars": deployer,
  "berth.v1.ConfigService/ListConfigVars": viewer,
  "berth.v1.ConfigService/ListConfigRevisions": viewer,
  "berth.v1.ConfigService/RestoreConfigRevision": deployer,
  "berth.v1.ConfigService/DiffConfigRevisions": viewer,

  "berth.v1.JobService/QueueJob": deployer,
  "berth.v1.JobService/GetJob": viewer,
  "berth.v1.JobService/ListJobs": viewer,
  "berth.v1.JobService/CancelJob": deployer,
  "berth.v1.JobService/GetJobStream": viewer,

  "berth.v1.RunnerService/ListRunners": viewer,
  // The CLI registers itself as a runner with its login token; agents use runner tokens.
  "berth.v1.RunnerService/RunnerJobStream": { kinds: ["login", "runner"], role: "deployer" },

  "berth.v1.LogService/GetLogStream": viewer,
  "berth.v1.ExecService/StartExecStream": deployer,

  "berth.v1.EntrypointService/EntrypointSession": { kinds: ["entrypoint"] },
  "berth.v1.EntrypointService/UploadLogs": { kinds: ["entrypoint"] },
  "berth.v1.EntrypointService/EntrypointExec": { kinds: ["entrypoint"] },

  "berth.v1.EventService/WatchEvents": viewer,
  "berth.v1.AuditService/ListAuditEvents": viewer,
};
