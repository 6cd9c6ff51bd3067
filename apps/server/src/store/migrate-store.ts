import { type Kysely, type Migration, Migrator } from "kysely";
import * as initial from "./migrations/001-initial.js";
import * as gitCommits from "./migrations/002-git-commits.js";
import * as tokenParents from "./migrations/003-token-parents.js";
import type { Database } from "./schema.js";

/**
 * Migrations in order, the same for both dialects (column types picked per dialect inside); a new one is a new
 * file added here, never an edit of an old one.
 */
const migrations: Record<string, Migration> = {
  "001-initial": initial,
  "002-git-commits": gitCommits,
  "003-token-parents": tokenParents,
};

/**
 * Brings the schema to the latest version. On PostgreSQL the whole run is one transaction (DDL is
 * transactional there), so a failure leaves no half-migrated schema; Kysely's lock table keeps two
 * servers starting at once from migrating twice.
 */
export async function migrateStore(db: Kysely<Database>, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(`migrating ${name} failed: ${(error as Error).message}`, { cause: error });
  }
}
