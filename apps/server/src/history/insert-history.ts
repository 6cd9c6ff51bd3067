// Store-level inserts of builds, deployments and releases. The lifecycle (jobs) records through these;
// tests and the bench seed history with them.

import { randomBytes } from "node:crypto";
import type { GitInfo } from "@berth/proto";
import { type Kysely, sql } from "kysely";
import { ulid } from "ulid";
import type { StoredTiming } from "../catalog/stored-timings.js";
import { gitColumnsFrom, type StoredReleaseTarget } from "../catalog/to-proto.js";
import type { Store } from "../store/open-store.js";
import type { BuildTable, Database, DeploymentTable, ReleaseTable } from "../store/schema.js";
import { dialectOf } from "../store/store-dialect.js";

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
  /** What started it: "" (a working tree), "remote", "webhook". */
  trigger?: string;
  /** Who started it ("ada", "github webhook"), with a trigger. */
  triggeredBy?: string;
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
  /** The server replica whose platform runs it (default: none named). */
  replicaId?: string;
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
    trigger: input.trigger ?? "",
    triggered_by: input.triggeredBy ?? "",
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
    replica_id: input.replicaId ?? "",
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

/**
 * Runs an insert that numbers itself (MAX(seq) + 1). SQLite has one writer, so the statement alone is atomic; on
 * PostgreSQL two inserts at once would read the same MAX, so they take turns on the app's row first.
 */
async function withSeqLock<T>(
  db: Kysely<Database>,
  appId: string,
  explicitSeq: boolean,
  insert: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (explicitSeq || dialectOf(db) !== "postgres") return insert(db);
  const locked = async (trx: Kysely<Database>) => {
    await trx.selectFrom("applications").select("id").where("id", "=", appId).forUpdate().execute();
    return insert(trx);
  };
  return db.isTransaction ? locked(db) : db.transaction().execute(locked);
}

/** Records a build; returns the stored row with its seq. */
export async function insertBuild(db: Kysely<Database>, input: InsertBuildInput): Promise<BuildTable> {
  return withSeqLock(db, input.appId, input.seq !== undefined, (q) =>
    q
      .insertInto("builds")
      .values({ ...buildRow(input), seq: input.seq ?? nextSeq("builds", input.appId) })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Records a deployment; returns the stored row with its seq. */
export async function insertDeployment(
  db: Kysely<Database>,
  input: InsertDeploymentInput,
): Promise<DeploymentTable> {
  return withSeqLock(db, input.appId, input.seq !== undefined, (q) =>
    q
      .insertInto("deployments")
      .values({ ...deploymentRow(input), seq: input.seq ?? nextSeq("deployments", input.appId) })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/** Records a release (it does not make it current: that is the releaser's job); returns the stored row. */
export async function insertRelease(db: Kysely<Database>, input: InsertReleaseInput): Promise<ReleaseTable> {
  return withSeqLock(db, input.appId, input.seq !== undefined, (q) =>
    q
      .insertInto("releases")
      .values({ ...releaseRow(input), seq: input.seq ?? nextSeq("releases", input.appId) })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
}

/**
 * Records many deployments with explicit seqs in one transaction (for seeding large histories: 100,000 rows take
 * about a second on SQLite). SQLite uses one prepared statement on the raw connection, since building a Kysely
 * query per row costs ten times more than SQLite itself; PostgreSQL gets multi-row inserts of 1,000 rows.
 */
export async function insertDeployments(
  store: Store,
  inputs: (InsertDeploymentInput & { seq: number })[],
): Promise<void> {
  const first = inputs[0];
  if (!first) return;
  // ulid's default randomness makes one crypto call per character, most of the cost of a big batch: draw from a pool.
  const prng = pooledPrng();
  const rowOf = (input: InsertDeploymentInput & { seq: number }) => {
    const createdAt = input.createdAt ?? Date.now();
    return { ...deploymentRow({ ...input, id: input.id ?? ulid(createdAt, prng) }), seq: input.seq };
  };
  if (store.dialect === "postgres") {
    await store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < inputs.length; i += 1000)
        await trx
          .insertInto("deployments")
          .values(inputs.slice(i, i + 1000).map(rowOf))
          .execute();
    });
    return;
  }
  const columns = Object.keys({ ...deploymentRow(first), seq: first.seq });
  const insert = store.sqlite.prepare(
    `insert into deployments (${columns.join(", ")}) values (${columns.map((c) => `@${c}`).join(", ")})`,
  );
  store.sqlite.transaction(() => {
    for (const input of inputs) insert.run(rowOf(input));
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
