// The HA quickstart's database: created when missing (so `npm start -- --ha` needs nothing but a running
// PostgreSQL), and dropped by the e2e stacks that made their own. Errors name the host and the driver's reason.
import pg from "pg";

/** The URL with its database swapped for the server's maintenance database (`postgres`), to create or drop from. */
function maintenanceUrl(url: URL): string {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  return admin.toString();
}

/** The database a postgres:// URL names, checked before any connection. */
export function databaseName(url: string): { parsed: URL; name: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--store must be a URL like postgres://postgres@127.0.0.1:5432/berth_ha`);
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol))
    throw new Error(
      `--store: scheme "${parsed.protocol}" is not postgres: (e.g. postgres://postgres@127.0.0.1:5432/berth_ha)`,
    );
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!name) throw new Error(`--store ${parsed.host}: names no database (add /<database> after the host)`);
  return { parsed, name };
}

/** Runs one statement on the maintenance database; an unreachable server is one line naming the host. */
async function onMaintenance(parsed: URL, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl(parsed), connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${parsed.host} is unreachable: ${(err as Error).message}`, { cause: err });
  }
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Makes sure the database exists: connects to it, and creates it from the maintenance database when PostgreSQL
 * says it does not exist (3D000). Returns whether it was created.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const { parsed, name } = databaseName(url);
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return false;
  } catch (err) {
    if ((err as { code?: string }).code !== "3D000")
      throw new Error(`PostgreSQL at ${parsed.host} is unreachable: ${(err as Error).message}`, {
        cause: err,
      });
  } finally {
    await probe.end().catch(() => {});
  }
  await onMaintenance(parsed, `CREATE DATABASE ${quoteIdent(name)}`);
  return true;
}

/** Drops the database, ending the sessions still on it (a SIGKILLed replica's may linger). */
export async function dropDatabase(url: string): Promise<void> {
  const { parsed, name } = databaseName(url);
  await onMaintenance(parsed, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}
