import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { migrateStore } from "./migrate-store.js";
import { checkPostgresUrl, redactUrl } from "./postgres-url.js";
import type { Database } from "./schema.js";
import type { PostgresStore } from "./store.js";

const int8Oid = 20;

/**
 * pg returns BIGINT as a string, since it may exceed 2^53. Ours are epoch milliseconds, seqs and counts, all
 * far below that, and the code (like SQLite) expects numbers: parse them, per pool, leaving pg's global
 * parsers alone for other users of the module.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === int8Oid && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export interface PostgresStoreOptions {
  url: string;
  /** Connections in the pool; default 10. */
  poolSize?: number;
  /**
   * PostgreSQL's application_name of the pool's connections: a replica's name there lets the replica that
   * finds it dead end its connections (and the locks its open transactions hold). See replicaApplicationName.
   */
  applicationName?: string;
}

/**
 * Opens (and migrates) a PostgreSQL store. An unreachable server or a bad URL fails here, with the URL
 * (password hidden) and the driver's reason in one line.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  checkPostgresUrl(options.url);
  const name = redactUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    connectionTimeoutMillis: 10_000,
    types,
  });
  // An idle client dropped by the server (restart, network) is an error on the pool; the next query reconnects.
  pool.on("error", () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL at ${name}: ${(err as Error).message}`, { cause: err });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  await migrateStore(db, name);
  return { dialect: "postgres", db, pool, name, close: () => db.destroy() };
}
