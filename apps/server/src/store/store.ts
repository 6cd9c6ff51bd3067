import type SqliteDatabase from "better-sqlite3";
import type { Kysely } from "kysely";
import type pg from "pg";
import type { Database } from "./schema.js";
import type { StoreDialect } from "./store-dialect.js";

interface StoreBase {
  dialect: StoreDialect;
  db: Kysely<Database>;
  /** The file path or the URL without its password: for messages and logs. */
  name: string;
  close(): Promise<void>;
}

/** The embedded default: one SQLite file, one writer (this process). */
export interface SqliteStore extends StoreBase {
  dialect: "sqlite";
  /** The raw connection, for prepared statements on hot paths (job events, bulk seeding). */
  sqlite: SqliteDatabase.Database;
}

/** A PostgreSQL database, shared by whoever connects to it. */
export interface PostgresStore extends StoreBase {
  dialect: "postgres";
  pool: pg.Pool;
  sqlite?: undefined;
}

/** The catalog's database. Code that differs per dialect narrows on `dialect`. */
export type Store = SqliteStore | PostgresStore;
