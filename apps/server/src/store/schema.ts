// Table types for Kysely. Times are epoch milliseconds; booleans are 0/1; ids are ULIDs (sortable by creation).
/** Git provenance columns shared by builds, deployments and jobs. */
export interface GitColumns {
  git_sha: string;
  git_branch: string;
  git_author: string;
  git_message: string;
  git_commit_time: number | null;
  git_dirty: number;
}

export interface ProjectTable {
  name: string;
  created_at: number;
  updated_at: number;
  /** Set by `berth projects delete`; the row stays so history and audit keep their names. */
  deleted_at: number | null;
}

export interface ApplicationTable {
  id: string;
  project: string;
  name: string;
  labels_json: string;
  config_json: string;
  /** The release that the app's public URL currently serves. */
  current_release_id: string | null;
  created_at: number;
  updated_at: number;
  /** Set by `berth apps delete`: listed nowhere, its history stays; `berth up` of the same name revives it. */
  deleted_at: number | null;
}

export interface BuildTable extends GitColumns {
  id: string;
  app_id: string;
  seq: number;
  /** "running" | "success" | "failed" */
  status: string;
  builder: string;
  artifact_digest: string | null;
  artifact_size: number | null;
  job_id: string | null;
  created_at: number;
  finished_at: number | null;
  timings_json: string;
  error: string;
  /** The job's trigger ("", "remote", "webhook"). */
  trigger: string;
  /** Who: the job's actor when it has a trigger ("ada", "github webhook"). */
  triggered_by: string;
}

export interface ArtifactTable {
  digest: string;
  size: number;
  created_at: number;
}

export interface DeploymentTable extends GitColumns {
  id: string;
  app_id: string;
  seq: number;
  /** "deploying" | "healthy" | "unhealthy" | "failed" | "destroyed" */
  status: string;
  build_id: string | null;
  artifact_digest: string | null;
  artifact_size: number | null;
  platform: string;
  instance_count: number;
  /** What the platform needs to (re)start it: command, health check, count, as JSON. */
  spec_json: string;
  config_revision: number;
  job_id: string | null;
  created_at: number;
  finished_at: number | null;
  destroyed_at: number | null;
  timings_json: string;
  error: string;
  /** 1 when someone marked it known-good (kept by any future retention). */
  pinned: number;
  /** Free text someone attached to it ("known good", "leaks memory"). */
  note: string;
  /** The server replica whose platform runs it ("" before replicas existed); only it re-adopts it. */
  replica_id: string;
  /** The trigger of the build it runs ("", "remote", "webhook"). */
  trigger: string;
  /** Who, as on the build. */
  triggered_by: string;
}

export interface InstanceTable {
  id: string;
  deployment_id: string;
  /** Position within the deployment, 0-based. */
  idx: number;
  /** "starting" | "running" | "crashed" | "stopped" */
  state: string;
  /** "unknown" | "healthy" | "unhealthy" */
  health: string;
  port: number;
  pid: number;
  restarts: number;
  started_at: number | null;
  config_revision: number;
  last_health_error: string;
  last_health_at: number | null;
  /** The engine's own id (container id, pod name, allocation id); "" for a process on this host. */
  native_id: string;
}

export interface ReleaseTable {
  id: string;
  app_id: string;
  seq: number;
  /** [{ deploymentId, weight }] */
  targets_json: string;
  actor_token_id: string;
  actor_name: string;
  reason: string;
  rollback_of: string | null;
  forced: number;
  created_at: number;
}

export interface RolloutTable {
  id: string;
  app_id: string;
  state: "running" | "completed" | "aborted" | "superseded";
  baseline_deployment_id: string;
  canary_deployment_id: string;
  /** The canary's weight at each step: [10, 50, 100]. */
  steps_json: string;
  step: number;
  interval_ms: number;
  next_step_at: number | null;
  /** { maxErrorRateMarginPercent, minRequests, unhealthyAfterSeconds } */
  auto_abort_json: string;
  release_id: string;
  actor_token_id: string;
  actor_name: string;
  reason: string;
  end_reason: string;
  created_at: number;
  updated_at: number;
}

export interface ConfigVarTable {
  project: string;
  /** "" for project scope. */
  app: string;
  name: string;
  value: string;
  secret: number;
  revision: number;
  updated_at: number;
}

export interface ConfigRevisionTable {
  project: string;
  /** One counter per project, shared by its apps. */
  revision: number;
  /** "" for a project-scope change. */
  app: string;
  actor_token_id: string;
  actor_name: string;
  created_at: number;
  /** [{ name, change, secret }], never values of secrets. */
  changes_json: string;
  /** All variables of that scope after this revision: [{ name, value, secret }]. */
  snapshot_json: string;
  restored_from: number | null;
}

export interface JobTable extends GitColumns {
  id: string;
  /** "build" | "deploy" | "release" | "up" | "destroy" */
  kind: string;
  /** "queued" | "running" | "success" | "error" | "cancelled" */
  state: string;
  project: string;
  app: string;
  target_runner_id: string;
  runner_id: string | null;
  params_json: string;
  result_json: string;
  error: string;
  actor_token_id: string;
  actor_name: string;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
  /** What started it: "" (a working tree), "remote" (a user asked for a build from the repository), "webhook". */
  trigger: string;
}

export interface JobEventTable {
  job_id: string;
  seq: number;
  time: number;
  /** A berth.v1.JobEvent in protobuf binary. */
  event: Uint8Array;
}

export interface RunnerTable {
  id: string;
  name: string;
  /** "builtin" | "agent" | "cli" */
  kind: string;
  registered_at: number;
  last_seen_at: number;
}

export interface TokenTable {
  id: string;
  /** sha256 of the secret, hex. The secret itself is never stored. */
  hash: string;
  /** "login" | "runner" | "entrypoint" */
  kind: string;
  /** "viewer" | "deployer" | "admin" ("" for non-login tokens) */
  role: string;
  name: string;
  deployment_id: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  /** The token this one was derived from (a session's token); null for tokens issued directly. */
  parent_id: string | null;
  /** For tokens minted for an OIDC sign-in: the person's identity as JSON (see auth/external-identity.ts). */
  identity_json: string | null;
  /** When the token last authenticated a call (epoch ms, updated at most once a minute); null if never. */
  last_used_at: number | null;
  /** Whose personal token this is ("oidc:<issuer>#<subject>" or "token:<id>"); null for other tokens. */
  owner_key: string | null;
  /** The owner as people read it (email, or the name of the token they signed in with). */
  owner_name: string;
}

export interface LoginCodeTable {
  /** sha256 of the code, hex. */
  hash: string;
  role: string;
  name: string;
  created_by: string;
  expires_at: number;
  used_at: number | null;
  /** The person the code was minted for (CreateOwnLoginCode): its token becomes theirs. */
  owner_key: string | null;
  owner_name: string;
  identity_json: string | null;
}

export interface AuditEventTable {
  id: string;
  time: number;
  actor_token_id: string;
  actor_name: string;
  action: string;
  project: string;
  app: string;
  target: string;
  details_json: string;
  /** The actor's external identity as JSON when their token has one (an OIDC sign-in); null otherwise. */
  actor_identity_json: string | null;
}

/** One commit of a project's first-parent history (see ListCommitsBetween). */
export interface GitCommitTable {
  project: string;
  sha: string;
  /** "" for a root commit. */
  parent_sha: string;
  author: string;
  /** The first line of the message. */
  subject: string;
  commit_time: number | null;
}

/** One entry of the append-only lifecycle log (never updated or deleted). */
export interface LifecycleEventTable {
  id: string;
  project: string;
  /** Null for a project-scope config revision. */
  app_id: string | null;
  time: number;
  /** One of LifecycleKind (lifecycle-log/lifecycle-event.ts), e.g. "release" or "deployment.failed". */
  kind: string;
  actor_token_id: string;
  actor_name: string;
  reason: string;
  git_sha: string;
  build_id: string | null;
  deployment_id: string | null;
  release_id: string | null;
  job_id: string | null;
  config_revision: number | null;
  /** Kind-specific extras: a release's targets, a crash's instance and exit. */
  details_json: string;
}

/** A deployment's share of an app's traffic from one release until the next (to_time null while live). */
export interface LiveIntervalTable {
  app_id: string;
  release_id: string;
  release_seq: number;
  deployment_id: string;
  weight: number;
  from_time: number;
  to_time: number | null;
}

/** A project's webhook subscribed to some events (notifications/). */
export interface NotificationSubscriptionTable {
  id: string;
  project: string;
  url: string;
  /** "standard" | "slack" | "json" */
  format: string;
  /** The event names, as a JSON array. */
  events_json: string;
  description: string;
  /** The Standard Webhooks secret (whsec_…); empty for other formats. */
  secret: string;
  actor_token_id: string;
  actor_name: string;
  created_at: number;
}

/** An OIDC sign-in provider managed in the dashboard (see oidc/oidc-providers.ts). */
export interface OidcProviderTable {
  id: string;
  display_name: string;
  issuer: string;
  client_id: string;
  /** Write-only through the API: used by the server to redeem codes, never returned. */
  client_secret: string;
  /** The scopes, as a JSON array ("openid" included). */
  scopes_json: string;
  groups_claim: string;
  /** The rules in order, as JSON (see oidc/oidc-rules.ts). */
  rules_json: string;
  /** 1 enabled, 0 disabled. */
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** The outbox: one event to send to one subscription; the id is also its webhook-id. */
export interface NotificationDeliveryTable {
  id: string;
  subscription_id: string;
  project: string;
  app: string;
  event: string;
  event_id: string;
  payload_json: string;
  summary: string;
  /** "pending" | "delivered" | "failed" */
  state: string;
  /** Attempts in the current retry window. */
  attempts: number;
  created_at: number;
  /** Due time of the next attempt, or the end of a running attempt's lease; null once done. */
  next_attempt_at: number | null;
  /** Start of the current retry window (the event, or the last redelivery). */
  retry_from: number;
  delivered_at: number | null;
}

/** One try to send a delivery: the status code (0 for none) or the error, and how long it took. */
export interface NotificationAttemptTable {
  id: string;
  delivery_id: string;
  time: number;
  status_code: number;
  error: string;
  duration_ms: number;
}

/** A project's inbound webhook secret (webhooks/): HMAC key for GitHub and Gitea, the token GitLab sends. */
export interface WebhookSecretTable {
  project: string;
  secret: string;
  actor_token_id: string;
  actor_name: string;
  created_at: number;
}

/** One request a forge made to a project's webhook endpoint, and what came of it. */
export interface WebhookDeliveryTable {
  id: string;
  project: string;
  /** "github" | "gitlab" | "gitea" | "" */
  forge: string;
  delivery_id: string;
  event: string;
  repository: string;
  ref: string;
  sha: string;
  /** "accepted" | "ignored" | "rejected" */
  outcome: string;
  reason: string;
  status_code: number;
  /** [{ app, jobId }] as JSON. */
  builds_json: string;
  received_at: number;
}

/** A pull/merge request's preview of an app (previews/): the preview app "<app>--pr-<N>" follows its head. */
export interface PreviewTable {
  id: string;
  project: string;
  app: string;
  preview_app: string;
  number: number;
  forge: string;
  repository: string;
  branch: string;
  sha: string;
  generation: number;
  title: string;
  /** "building" | "ready" | "failed" | "closed" */
  state: string;
  reason: string;
  deployment_id: string;
  opened_at: number;
  updated_at: number;
  expires_at: number | null;
  closed_at: number | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  projects: ProjectTable;
  applications: ApplicationTable;
  builds: BuildTable;
  artifacts: ArtifactTable;
  deployments: DeploymentTable;
  instances: InstanceTable;
  releases: ReleaseTable;
  config_vars: ConfigVarTable;
  config_revisions: ConfigRevisionTable;
  jobs: JobTable;
  job_events: JobEventTable;
  runners: RunnerTable;
  tokens: TokenTable;
  login_codes: LoginCodeTable;
  audit_events: AuditEventTable;
  meta: MetaTable;
  git_commits: GitCommitTable;
  lifecycle_events: LifecycleEventTable;
  live_intervals: LiveIntervalTable;
  rollouts: RolloutTable;
  notification_subscriptions: NotificationSubscriptionTable;
  notification_deliveries: NotificationDeliveryTable;
  notification_attempts: NotificationAttemptTable;
  oidc_providers: OidcProviderTable;
  replicas: ReplicaTable;
  entrypoint_connections: EntrypointConnectionTable;
  webhook_secrets: WebhookSecretTable;
  webhook_deliveries: WebhookDeliveryTable;
  previews: PreviewTable;
}

/** The replica holding (or that last held) an instance's entrypoint connection (migration 017). */
export interface EntrypointConnectionTable {
  instance_id: string;
  deployment_id: string;
  replica_id: string;
  connection_id: string;
  /** 1 while the session is open on `replica_id`, 0 once it ended (its log window is still there). */
  connected: number;
  changed_at: number;
}

/** A server process on this database (migration 015). */
export interface ReplicaTable {
  id: string;
  /** Where its berth.v1 API answers, e.g. http://10.0.0.5:9701. */
  api_url: string;
  started_at: number;
  heartbeat_at: number;
  /** The newest migration it knows. */
  schema_version: string;
  stopped_at: number | null;
  reaped_at: number | null;
}
