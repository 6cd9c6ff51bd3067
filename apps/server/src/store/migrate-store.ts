import { type Kysely, type Migration, Migrator, sql } from "kysely";
import * as initial from "./migrations/001-initial.js";
import * as gitCommits from "./migrations/002-git-commits.js";
import * as tokenParents from "./migrations/003-token-parents.js";
import * as lifecycleLog from "./migrations/004-lifecycle-log.js";
import * as deploymentNotes from "./migrations/005-deployment-notes.js";
import * as rollouts from "./migrations/006-rollouts.js";
import * as instanceNativeIds from "./migrations/007-instance-native-ids.js";
import * as deletedApps from "./migrations/008-deleted-apps.js";
import * as notifications from "./migrations/009-notifications.js";
import * as externalIdentities from "./migrations/010-external-identities.js";
import * as oidcProviders from "./migrations/011-oidc-providers.js";
import * as personalTokens from "./migrations/012-personal-tokens.js";
import * as gitWebhooks from "./migrations/013-git-webhooks.js";
import * as replicas from "./migrations/015-replicas.js";
import * as previews from "./migrations/016-previews.js";
import * as entrypointConnections from "./migrations/017-entrypoint-connections.js";
import type { Database } from "./schema.js";
import { dialectOf } from "./store-dialect.js";

/**
 * Migrations in order, the same for both dialects (column types picked per dialect inside); a new one is a new
 * file added here, never an edit of an old one.
 */
const migrations: Record<string, Migration> = {
  "001-initial": initial,
  "002-git-commits": gitCommits,
  "003-token-parents": tokenParents,
  "004-lifecycle-log": lifecycleLog,
  "005-deployment-notes": deploymentNotes,
  "006-rollouts": rollouts,
  "007-instance-native-ids": instanceNativeIds,
  "008-deleted-apps": deletedApps,
  "009-notifications": notifications,
  "010-external-identities": externalIdentities,
  "011-oidc-providers": oidcProviders,
  "012-personal-tokens": personalTokens,
  "013-git-webhooks": gitWebhooks,
  "015-replicas": replicas,
  "016-previews": previews,
  "017-entrypoint-connections": entrypointConnections,
};

/**
 * Brings the schema to the latest version. On PostgreSQL the whole run is one transaction (DDL is
 * transactional there), so a failure leaves no half-migrated schema; Kysely's lock table keeps two
 * servers starting at once from migrating twice.
 */
export async function migrateStore(db: Kysely<Database>, name: string): Promise<void> {
  const newer = await unknownMigrations(db);
  if (newer.length > 0) {
    await db.destroy();
    const known = knownSchemaVersion();
    throw new Error(
      `${name} has schema version ${newer.at(-1)}, newer than this server's ${known} ` +
        `(unknown migrations: ${newer.join(", ")}); run a Berth server at least as new as the one that migrated it`,
    );
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new Error(`migrating ${name} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Migrations the database has run that this build does not know: it was migrated by a newer server. */
async function unknownMigrations(db: Kysely<Database>): Promise<string[]> {
  // A cheap existence check (introspecting every table would cost each SQLite start a few milliseconds).
  const exists =
    dialectOf(db) === "postgres"
      ? sql<{ found: string | null }>`SELECT to_regclass('kysely_migration')::text AS found`
      : sql<{
          found: string | null;
        }>`SELECT name AS found FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'`;
  const { rows: found } = await exists.execute(db);
  if (!found[0]?.found) return [];
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return rows.map((r) => r.name).filter((n) => !(n in migrations));
}

/** The newest migration this build knows: the schema version a replica registers and compares. */
export function knownSchemaVersion(): string {
  return Object.keys(migrations).at(-1) ?? "";
}
