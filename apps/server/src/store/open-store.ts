import { openPostgresStore } from "./open-postgres-store.js";
import { openSqliteStore } from "./open-sqlite-store.js";
import type { Store } from "./store.js";

export type { PostgresStore, SqliteStore, Store } from "./store.js";

export type StoreOptions =
  /** Path of the SQLite file, or ":memory:". */
  | { path: string; url?: undefined }
  /** postgres://user:password@host:5432/database */
  | { url: string; path?: undefined; poolSize?: number; applicationName?: string };

/** Opens (and migrates) the store: SQLite by path, or PostgreSQL by URL. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.url !== undefined) return openPostgresStore(options);
  return openSqliteStore(options.path);
}
