// History listings by app, newest first. Each filter maps onto an index: (app_id, seq) for the newest page,
// (app_id, git_sha) for a SHA prefix, (app_id, git_branch, seq) for a branch, (app_id, status, seq) for statuses.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from "kysely";
import type { BuildTable, Database, DeploymentTable, ReleaseTable } from "../store/schema.js";
import { dialectOf } from "../store/store-dialect.js";
import {
  containsPattern,
  type HistoryPage,
  type HistoryQuery,
  shaPrefixRange,
  toHistoryPage,
} from "./history-query.js";

// Builds and deployments share the columns filtered on; queries are written against "deployments" and run on either.
type GitTable = "builds" | "deployments";

function gitConditions(
  eb: ExpressionBuilder<Database, "deployments">,
  appId: string,
  q: HistoryQuery,
  postgres: boolean,
): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [eb("app_id", "=", appId)];
  if (q.shaPrefix) {
    const [lo, hi] = shaPrefixRange(q.shaPrefix);
    where.push(eb("git_sha", ">=", lo), eb("git_sha", "<", hi));
  }
  if (q.branch) where.push(eb("git_branch", "=", q.branch));
  // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does the same there.
  if (q.text)
    where.push(
      postgres
        ? sql<SqlBool>`git_message ilike ${containsPattern(q.text)} escape '\\'`
        : sql<SqlBool>`git_message like ${containsPattern(q.text)} escape '\\'`,
    );
  if (q.statuses && q.statuses.length > 0) where.push(eb("status", "in", q.statuses));
  if (q.sinceMs !== undefined) where.push(eb("created_at", ">=", q.sinceMs));
  if (q.untilMs !== undefined) where.push(eb("created_at", "<=", q.untilMs));
  if (q.beforeSeq !== undefined) where.push(eb("seq", "<", q.beforeSeq));
  return where;
}

/** The SQL of one history page of builds or deployments (exported so the bench can EXPLAIN it). */
export function gitRowsQuery(db: Kysely<Database>, table: GitTable, appId: string, q: HistoryQuery) {
  return (
    db
      .selectFrom(table as "deployments")
      .selectAll()
      .where((eb) => eb.and(gitConditions(eb, appId, q, dialectOf(db) === "postgres")))
      // With a SHA prefix the matching rows are few: "+seq" keeps SQLite on the (app_id, git_sha) range and
      // sorts them, instead of walking the whole (app_id, seq) index looking for matches.
      .orderBy(q.shaPrefix ? sql`+seq` : sql`seq`, "desc")
      .limit(q.pageSize + 1)
  );
}

async function listGitRows<Row extends { seq: number }>(
  db: Kysely<Database>,
  table: GitTable,
  appId: string,
  q: HistoryQuery,
): Promise<HistoryPage<Row>> {
  const rows = await gitRowsQuery(db, table, appId, q).execute();
  return toHistoryPage(table, rows as unknown as Row[], q.pageSize);
}

/** A page of an app's builds, newest first. */
export function listBuildRows(
  db: Kysely<Database>,
  appId: string,
  q: HistoryQuery,
): Promise<HistoryPage<BuildTable>> {
  return listGitRows<BuildTable>(db, "builds", appId, q);
}

/** A page of an app's deployments, newest first. */
export function listDeploymentRows(
  db: Kysely<Database>,
  appId: string,
  q: HistoryQuery,
): Promise<HistoryPage<DeploymentTable>> {
  return listGitRows<DeploymentTable>(db, "deployments", appId, q);
}

/**
 * A page of an app's releases, newest first. Git filters match releases whose targets include a matching
 * deployment; time filters apply to the release itself.
 */
export async function listReleaseRows(
  db: Kysely<Database>,
  appId: string,
  q: HistoryQuery,
): Promise<HistoryPage<ReleaseTable>> {
  const postgres = dialectOf(db) === "postgres";
  const rows = await db
    .selectFrom("releases")
    .selectAll()
    .where((eb) => {
      const where: Expression<SqlBool>[] = [eb("app_id", "=", appId)];
      if (q.sinceMs !== undefined) where.push(eb("created_at", ">=", q.sinceMs));
      if (q.untilMs !== undefined) where.push(eb("created_at", "<=", q.untilMs));
      if (q.beforeSeq !== undefined) where.push(eb("seq", "<", q.beforeSeq));
      if (q.shaPrefix || q.branch || q.text) {
        const targetQuery: HistoryQuery = {
          shaPrefix: q.shaPrefix,
          branch: q.branch,
          text: q.text,
          pageSize: 0,
        };
        where.push(
          eb.exists(
            eb
              .selectFrom(
                postgres
                  ? sql<{ value: string }>`jsonb_array_elements(releases.targets_json::jsonb)`.as("t")
                  : sql<{ value: string }>`json_each(releases.targets_json)`.as("t"),
              )
              .innerJoin("deployments", (join) =>
                join.on(
                  sql`deployments.id`,
                  "=",
                  postgres ? sql`t.value->>'deploymentId'` : sql`json_extract(t.value, '$.deploymentId')`,
                ),
              )
              .select(sql`1`.as("one"))
              .where((deb) =>
                deb.and(
                  gitConditions(
                    deb as unknown as ExpressionBuilder<Database, "deployments">,
                    appId,
                    targetQuery,
                    postgres,
                  ),
                ),
              ),
          ),
        );
      }
      return eb.and(where);
    })
    .orderBy("seq", "desc")
    .limit(q.pageSize + 1)
    .execute();
  return toHistoryPage("releases", rows, q.pageSize);
}
