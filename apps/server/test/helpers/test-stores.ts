// Stores for tests on both dialects: a temp SQLite file, or a fresh PostgreSQL database dropped afterwards.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store } from "../../src/store/open-store.js";
import type { StoreDialect } from "../../src/store/store-dialect.js";

/** Both dialects, for describe.each. */
export const storeDialects: StoreDialect[] = ["sqlite", "postgres"];

/** The PostgreSQL server tests create their databases on (trust auth on 127.0.0.1 in dev and CI). */
export const testPostgresUrl =
  process.env.BERTH_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates an empty database `berth_test_<random>`; drop() removes it (ending any session still on it). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `berth_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: testPostgresUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestStore {
  store: Store;
  /** The PostgreSQL database's URL (for a second connection to it); undefined for SQLite. */
  url?: string;
  /** Closes the store and removes its file or database. */
  dispose(): Promise<void>;
}

/** Opens a migrated store of the dialect, empty and private to the caller. */
export async function openTestStore(dialect: StoreDialect): Promise<TestStore> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "berth-store-"));
    const store = await openStore({ path: join(dir, "berth.db") });
    return {
      store,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  try {
    const store = await openStore({ url: database.url });
    return {
      store,
      url: database.url,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  } catch (err) {
    await database.drop();
    throw err;
  }
}
