// The server's public surface for the CLI, tests and other apps.
export { type AuditRecord, recordAudit } from "./audit/record-audit.js";
export type { Caller, Role, TokenKind } from "./auth/caller.js";
export { callerKey, getCaller } from "./auth/caller.js";
export { createLoginCode, redeemLoginCode } from "./auth/login-codes.js";
export {
  type IssuedToken,
  type IssueTokenOptions,
  issueToken,
  listTokens,
  revokeDeploymentTokens,
  revokeToken,
  verifyToken,
} from "./auth/tokens.js";
// Ship-it lifecycle: the builder and job reporting the CLI runner uses, and the engine's handles.
export { createArchiveBuilder } from "./builders/archive-builder.js";
export type { Builder, BuildOutput, BuiltArtifact } from "./builders/builder.js";
export { getApplication, upsertApplication, upsertProject } from "./catalog/projects.js";
export { appUrl, deploymentUrl, type UrlOptions } from "./catalog/urls.js";
export { effectiveConfig } from "./config/effective-config.js";
export { entrypointRuntime } from "./entrypoint/entrypoint-runtime.js";
export { insertBuild, insertDeployment, insertDeployments, insertRelease } from "./history/insert-history.js";
export { createJobReporter, type JobReporter } from "./jobs/job-events.js";
export { deploymentInstances, engineOf } from "./lifecycle/engine.js";
export type { InstanceView } from "./platforms/platform.js";
export { AsyncQueue } from "./runners/async-queue.js";
export type { CloseHook, ServerContext } from "./server-context.js";
export { defaultServerOptions, parseDrainMs, type ServerOptions } from "./server-options.js";
export { type RunningServer, type StartServerOptions, startServer } from "./start-server.js";
export { openStore, type Store } from "./store/open-store.js";
