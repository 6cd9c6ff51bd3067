import type { Kysely } from "kysely";
import type { Database, RolloutTable } from "../store/schema.js";
import { type AutoAbortRules, noAutoAbort } from "./auto-abort-verdict.js";

/** The app's running rollout, if any. */
export function runningRollout(db: Kysely<Database>, appId: string): Promise<RolloutTable | undefined> {
  return db
    .selectFrom("rollouts")
    .selectAll()
    .where("app_id", "=", appId)
    .where("state", "=", "running")
    .executeTakeFirst();
}

/** The app's newest rollout, running or ended. */
export function latestRollout(db: Kysely<Database>, appId: string): Promise<RolloutTable | undefined> {
  return db
    .selectFrom("rollouts")
    .selectAll()
    .where("app_id", "=", appId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Every running rollout (what the runner watches). */
export function runningRollouts(db: Kysely<Database>): Promise<RolloutTable[]> {
  return db.selectFrom("rollouts").selectAll().where("state", "=", "running").execute();
}

/** Writes a rollout's changed columns (and its updated_at); returns the row as it is now. */
export async function updateRollout(
  db: Kysely<Database>,
  row: RolloutTable,
  patch: Partial<Omit<RolloutTable, "id" | "app_id" | "created_at">>,
): Promise<RolloutTable> {
  const next = { ...row, ...patch, updated_at: Date.now() };
  await db
    .updateTable("rollouts")
    .set({ ...patch, updated_at: next.updated_at })
    .where("id", "=", row.id)
    .execute();
  return next;
}

export function rolloutSteps(row: RolloutTable): number[] {
  return JSON.parse(row.steps_json) as number[];
}

export function rolloutAutoAbort(row: RolloutTable): AutoAbortRules {
  return { ...noAutoAbort, ...(JSON.parse(row.auto_abort_json) as Partial<AutoAbortRules>) };
}
