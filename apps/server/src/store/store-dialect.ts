import { type Kysely, PostgresAdapter } from "kysely";

/** The databases the catalog runs on: embedded SQLite (the default) or PostgreSQL (several replicas, later). */
export type StoreDialect = "sqlite" | "postgres";

/** Which database a Kysely instance (or transaction) talks to, for the few queries that differ. */
// biome-ignore lint/suspicious/noExplicitAny: any schema; only the adapter is read
export function dialectOf(db: Kysely<any>): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}
