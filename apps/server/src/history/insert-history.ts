// Store-level inserts of builds, deployments and releases. The lifecycle (jobs) records through these;
// tests and the bench seed history with them.

import { randomBytes } from "node:crypto";
import type { GitInfo } from "@berth/proto";
import type SqliteDatabase from "better-sqlite3";
import { type Kysely, sql } from "kysely";
import { ulid } from "ulid";
import type { StoredTiming } from "../catalog/stored-timings.js";
import { gitColumnsFrom, type StoredReleaseTarget } from "../catalog/to-proto.js";
import type { BuildTable, Database, DeploymentTable, ReleaseTable } from "../store/schema.js";

/** The fields a build and a deployment input share (the columns they both have). */
export interface InsertRecordInput {
  appId: string;
  git?: Partial<GitInfo>;
  artifactDigest?: string;
  artifactSize?: number;
  jobId?: string;
  createdAt?: number;
  finishedAt?: number;
  timings?: StoredTiming[];
  error?: string;
  id?: string;
}

export interface InsertBuildInput extends InsertRecordInput {
  /** Defaults to the app's next build number. */
  seq?: number;
  /** "running" (default) | "success" | "failed" */
  status?: string;
  builder?: string;
}

export interface InsertDeploymentInput extends InsertRecordInput {
  /** Defaults to the app's next deployment number (the N of vN). */
  seq?: number;
  /** "deploying" (default) | "healthy" | "unhealthy" | "failed" | "destroyed" */
  status?: string;
  buildId?: string;
  platform?: string;
  instanceCount?: number;
  /** What the platform needs to (re)start it; stored as JSON. */
  spec?: unknown;
  configRevision?: number;
}

export interface InsertReleaseInput {
  appId: string;
  seq?: number;
  targets: StoredReleaseTarget[];
  actorTokenId?: string;
  actorName?: string;
  reason?: string;
  rollbackOf?: string;
  forced?: boolean;
  createdAt?: number;
  id?: string;
}

type SeqTable = "builds" | "deployments" | "releases";

// The next seq is computed inside the INSERT itself, so two concurrent inserts can never share a number.
function nextSeq(table: SeqTable, appId: string) {
  return sql<number>`(select coalesce(max(seq), 0) + 1 from ${sql.table(table)} where app_id = ${appId})`;
}

// The columns builds and deployments share, filled the same way for both.
function recordColumns(input: InsertRecordInput) {
  const createdAt = input.createdAt ?? Date.now();
  return {
    id: input.id ?? ulid(createdAt),
    app_id: input.appId,
    ...gitColumnsFrom(input.git),
    artifact_digest: input.artifactDigest ?? null,
    artifact_size: input.artifactSize ?? null,
    job_id: input.jobId ?? null,
    created_at: createdAt,
    finished_at: input.finishedAt ?? null,
    timings_json: JSON.stringify(input.timings ?? []),
    error: input.error ?? "",
  };
}

/** The row a build input becomes (seq left to the caller). */
export function buildRow(input: InsertBuildInput): Omit<BuildTable, "seq"> {
  return {
    ...recordColumns(input),
    status: input.status ?? "running",
    builder: input.builder ?? "archive",
  };
}

/** The row a deployment input becomes (seq left to the caller). */
export function deploymentRow(input: InsertDeploymentInput): Omit<DeploymentTable, "seq"> {
  return {
    ...recordColumns(input),
    status: input.status ?? "deploying",
    build_id: input.buildId ?? null,
    platform: input.platform ?? "process",
    instance_count: input.instanceCount ?? 1,
    spec_json: JSON.stringify(input.spec ?? {}),
    config_revision: input.configRevision ?? 0,
    destroyed_at: null,
    pinned: 0,
    note: "",
  };
}

/** The row a release input becomes (seq left to the caller). */
export function releaseRow(input: InsertReleaseInput): Omit<ReleaseTable, "seq"> {
  const createdAt = input.createdAt ?? Date.now();
  return {
    id: input.id ?? ulid(createdAt),
    app_id: input.appId,
    targets_json: JSON.stringify(input.targets),
    actor_token_id: input.actorTokenId ?? "",
    actor_name: input.actorName ?? "",
    reason: input.reason ?? "",
    rollback_of: input.rollbackOf ?? null,
    forced: input.forced ? 1 : 0,
    created_at: createdAt,
  };
}

/** Records a build; returns the stored row with its seq. */
export async function insertBuild(db: Kysely<Database>, input: InsertBuildInput): Promise<BuildTable> {
  return db
    .insertInto("builds")
    .values({ ...buildRow(input), seq: input.seq ?? nextSeq("builds", input.appId) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records a deployment; returns the stored row with its seq. */
export async function insertDeployment(
  db: Kysely<Database>,
  input: InsertDeploymentInput,
): Promise<DeploymentTable> {
  return db
    .insertInto("deployments")
    .values({ ...deploymentRow(input), seq: input.seq ?? nextSeq("deployments", input.appId) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Records a release (it does not make it current: that is the releaser's job); returns the stored row. */
export async function insertRelease(db: Kysely<Database>, input: InsertReleaseInput): Promise<ReleaseTable> {
  return db
    .insertInto("releases")
    .values({ ...releaseRow(input), seq: input.seq ?? nextSeq("releases", input.appId) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Records many deployments with explicit seqs in one transaction (for seeding large histories: 100,000 rows take
 * about a second). It uses one prepared statement on the raw connection, since building a Kysely query per row
 * costs ten times more than SQLite itself.
 */
export function insertDeployments(
  store: { sqlite: SqliteDatabase.Database },
  inputs: (InsertDeploymentInput & { seq: number })[],
): void {
  const first = inputs[0];
  if (!first) return;
  const columns = Object.keys({ ...deploymentRow(first), seq: first.seq });
  const insert = store.sqlite.prepare(
    `insert into deployments (${columns.join(", ")}) values (${columns.map((c) => `@${c}`).join(", ")})`,
  );
  // ulid's default randomness makes one crypto call per character, most of the cost of a big batch: draw from a pool.
  const prng = pooledPrng();
  store.sqlite.transaction(() => {
    for (const input of inputs) {
      const createdAt = input.createdAt ?? Date.now();
      insert.run({ ...deploymentRow({ ...input, id: input.id ?? ulid(createdAt, prng) }), seq: input.seq });
    }
  })();
}

/** Uniform random numbers in [0, 1) from a pool of crypto bytes (multiples of 1/256: exact for base-32 digits). */
function pooledPrng(): () => number {
  let pool = randomBytes(64 * 1024);
  let i = 0;
  return () => {
    if (i === pool.length) {
      pool = randomBytes(64 * 1024);
      i = 0;
    }
    return pool[i++]! / 256;
  };
}
