// Against the PostgreSQL every development machine and CI run (127.0.0.1:5432, trust auth).
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { databaseName, dropDatabase, ensureDatabase } from "./postgres-database.js";

const { BERTH_TEST_POSTGRES_URL: baseUrl = "postgres://postgres@127.0.0.1:5432/postgres" } = process.env;
const base = new URL(baseUrl);

function scratchUrl(): string {
  const url = new URL(base);
  url.pathname = `/berth_qs_test_${randomBytes(5).toString("hex")}`;
  return url.toString();
}

async function exists(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    const res = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [databaseName(url).name]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("the HA quickstart's database", () => {
  it("is created when missing, kept when present, and dropped", async () => {
    const url = scratchUrl();
    try {
      expect(await ensureDatabase(url)).toBe(true);
      expect(await exists(url)).toBe(true);
      expect(await ensureDatabase(url)).toBe(false);
    } finally {
      await dropDatabase(url);
    }
    expect(await exists(url)).toBe(false);
  });

  it("says which host is unreachable and the driver's reason", async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, "127.0.0.1");
    await once(probe, "listening");
    const { port } = probe.address() as { port: number };
    probe.close();
    await once(probe, "close");
    await expect(ensureDatabase(`postgres://postgres@127.0.0.1:${port}/berth_ha`)).rejects.toThrow(
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port} is unreachable: .*ECONNREFUSED`),
    );
  });

  it("refuses a URL that is not postgres: or names no database, before connecting", async () => {
    await expect(ensureDatabase("mysql://root@127.0.0.1/berth")).rejects.toThrow(
      /scheme "mysql:" is not postgres:/,
    );
    await expect(ensureDatabase("postgres://postgres@127.0.0.1:5432")).rejects.toThrow(/names no database/);
  });
});
