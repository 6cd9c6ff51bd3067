// The job queue's hot statements, per dialect: prepared statements on SQLite (as fast as before PostgreSQL
// existed), Kysely on PostgreSQL, where the claim skips rows another server is claiming at the same moment.
import { type Kysely, sql } from "kysely";
import type { Store } from "../store/open-store.js";
import type { Database, JobTable } from "../store/schema.js";
import type { RunnerRef } from "./job-queue.js";

export interface JobStatements {
  get(id: string): Promise<JobTable | undefined>;
  /** Marks the oldest queued job this runner may run as running by it, in one statement; returns it. */
  claim(runner: RunnerRef, now: number): Promise<JobTable | undefined>;
  /** Appends an event with the job's next seq. */
  insertEvent(jobId: string, time: number, event: Buffer): Promise<void>;
  eventsAfter(jobId: string, afterSeq: number): Promise<{ seq: number; event: Uint8Array }[]>;
  beat(jobId: string, now: number): Promise<void>;
}

/**
 * Which runner kinds may take which jobs: server-side work on the built-in runner, builds on agents and CLIs;
 * builds from a git source (targeted at "builtin") on the built-in runner.
 */
const eligibility = `(
  (? = 'builtin' AND ((target_runner_id = '' AND kind IN ('deploy', 'release', 'destroy', 'up'))
    OR (target_runner_id = 'builtin' AND kind = 'build')))
  OR (? = 'agent' AND kind = 'build' AND (target_runner_id = '' OR target_runner_id = ?))
  OR (? = 'cli' AND target_runner_id = ?)
)`;

/** The job statements of a store. */
export function createJobStatements(store: Store): JobStatements {
  return store.dialect === "sqlite" ? sqliteStatements(store.sqlite) : postgresStatements(store.db);
}

function sqliteStatements(sqlite: Extract<Store, { dialect: "sqlite" }>["sqlite"]): JobStatements {
  const getRow = sqlite.prepare<[string], JobTable>("SELECT * FROM jobs WHERE id = ?");
  // One statement: no moment exists (for another connection or a crash) where a job runs without its runner.
  const claimStmt = sqlite.prepare<
    [string, number, number, string, string, string, string, string],
    JobTable
  >(
    `UPDATE jobs SET state = 'running', runner_id = ?, started_at = ?, heartbeat_at = ?
     WHERE id = (SELECT id FROM jobs WHERE state = 'queued' AND ${eligibility} ORDER BY queued_at, id LIMIT 1)
     RETURNING *`,
  );
  const insertEvent = sqlite.prepare<[string, string, number, Buffer], void>(
    `INSERT INTO job_events (job_id, seq, time, event)
     VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?), ?, ?)`,
  );
  const eventsAfter = sqlite.prepare<[string, number], { seq: number; event: Buffer }>(
    "SELECT seq, event FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT 500",
  );
  const beat = sqlite.prepare<[number, string], void>(
    "UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running'",
  );
  // better-sqlite3 is synchronous: each statement has run when the promise is made.
  return {
    get: async (id) => getRow.get(id),
    claim: async (r, now) => claimStmt.get(r.id, now, now, r.kind, r.kind, r.id, r.kind, r.id),
    insertEvent: async (jobId, time, event) => void insertEvent.run(jobId, jobId, time, event),
    eventsAfter: async (jobId, after) => eventsAfter.all(jobId, after),
    beat: async (jobId, now) => void beat.run(now, jobId),
  };
}

function postgresStatements(db: Kysely<Database>): JobStatements {
  return {
    get: (id) => db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst(),
    async claim(r, now) {
      // SKIP LOCKED: a claimer passes over the row another server's claim holds instead of waiting for it (and
      // then finding it taken); the outer UPDATE re-checks the state, so a job is never claimed twice.
      const { rows } = await sql<JobTable>`
        UPDATE jobs SET state = 'running', runner_id = ${r.id}, started_at = ${now}, heartbeat_at = ${now}
        WHERE state = 'queued' AND id = (
          SELECT id FROM jobs WHERE state = 'queued' AND (
            (${r.kind} = 'builtin' AND ((target_runner_id = '' AND kind IN ('deploy', 'release', 'destroy', 'up'))
              OR (target_runner_id = 'builtin' AND kind = 'build')))
            OR (${r.kind} = 'agent' AND kind = 'build' AND (target_runner_id = '' OR target_runner_id = ${r.id}))
            OR (${r.kind} = 'cli' AND target_runner_id = ${r.id})
          )
          ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(db);
      return rows[0];
    },
    async insertEvent(jobId, time, event) {
      await sql`INSERT INTO job_events (job_id, seq, time, event)
        VALUES (${jobId}, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ${jobId}), ${time}, ${event})`.execute(
        db,
      );
    },
    eventsAfter: (jobId, after) =>
      db
        .selectFrom("job_events")
        .select(["seq", "event"])
        .where("job_id", "=", jobId)
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(500)
        .execute(),
    async beat(jobId, now) {
      await db
        .updateTable("jobs")
        .set({ heartbeat_at: now })
        .where("id", "=", jobId)
        .where("state", "=", "running")
        .execute();
    },
  };
}
