import { Code } from "@connectrpc/connect";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  openTestStore,
  storeDialects,
  type TestDatabase,
  type TestStore,
} from "../../test/helpers/test-stores.js";
import { openStore, type Store } from "./open-store.js";
import { redactUrl } from "./postgres-url.js";
import { refusedValueError } from "./refused-value.js";

let opened: TestStore | undefined;
let database: TestDatabase | undefined;
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  await opened?.dispose();
  opened = undefined;
  await database?.drop();
  database = undefined;
});

const migrationNames = [
  "001-initial",
  "002-git-commits",
  "003-token-parents",
  "004-lifecycle-log",
  "005-deployment-notes",
  "006-rollouts",
  "007-instance-native-ids",
  "008-deleted-apps",
  "009-notifications",
  "010-external-identities",
  "011-oidc-providers",
  "012-personal-tokens",
  "013-git-webhooks",
  "015-replicas",
  "016-previews",
  "017-entrypoint-connections",
];

describe.each(storeDialects)("store on %s", (dialect) => {
  it("runs every migration once and keeps 64-bit times, counts and bytes as JS values", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual(migrationNames);

    // Epoch milliseconds overflow a 32-bit integer; they come back as numbers, not strings.
    const now = 1_765_000_000_000;
    await db.insertInto("projects").values({ name: "shop", created_at: now, updated_at: now }).execute();
    const project = await db.selectFrom("projects").selectAll().executeTakeFirstOrThrow();
    expect(project).toEqual({ name: "shop", created_at: now, updated_at: now, deleted_at: null });
    const count = await db
      .selectFrom("projects")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);

    const event = Buffer.from([0, 1, 2, 255]);
    await db.insertInto("job_events").values({ job_id: "j", seq: 1, time: now, event }).execute();
    const stored = await db.selectFrom("job_events").select("event").executeTakeFirstOrThrow();
    expect(Buffer.from(stored.event)).toEqual(event);
  });
});

describe.each(storeDialects)("a database migrated by a newer server, on %s", (dialect) => {
  it("is refused with both schema versions named, and left as it was", async () => {
    opened = await openTestStore(dialect);
    const { db } = opened.store;
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('999-from-the-future', '2030-01-01')`.execute(
      db,
    );
    const reopen =
      opened.store.dialect === "postgres" ? { url: opened.url ?? "" } : { path: opened.store.name };
    await expect(openStore(reopen)).rejects.toThrow(
      `has schema version 999-from-the-future, newer than this server's ${migrationNames.at(-1)} (unknown migrations: 999-from-the-future)`,
    );
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
    expect(rows.map((r) => r.name)).toEqual([...migrationNames, "999-from-the-future"]);
  });
});

describe("PostgreSQL store", () => {
  it("migrates a fresh database once when two servers open it at the same moment", async () => {
    database = await createTestDatabase();
    const url = database.url;
    stores.push(...(await Promise.all([openStore({ url }), openStore({ url })])));
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
      stores[0]!.db,
    );
    expect(rows.map((r) => r.name)).toEqual(migrationNames);
  });

  it("names the URL without its password and the driver's reason when the server cannot be reached", async () => {
    const err = await openStore({ url: "postgres://berth:hunter2@127.0.0.1:1/berth" }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(
      "cannot connect to PostgreSQL at postgres://berth:***@127.0.0.1:1/berth: connect ECONNREFUSED 127.0.0.1:1",
    );
  });

  it("refuses malformed URLs before connecting, naming what is wrong", async () => {
    await expect(openStore({ url: "postgres://u:pw@127.0.0.1:5432" })).rejects.toThrow(
      "store URL postgres://u:***@127.0.0.1:5432 names no database",
    );
    await expect(openStore({ url: "mysql://u:pw@host/db" })).rejects.toThrow(
      'scheme "mysql:" is not postgres:',
    );
    await expect(openStore({ url: "postgres://u:pw@[bad/db" })).rejects.toThrow(
      "store URL postgres://u:***@[bad/db is not a valid URL",
    );
  });

  it("turns a value PostgreSQL cannot hold into InvalidArgument, never echoing it", async () => {
    opened = await openTestStore("postgres");
    const err = await opened.store.db
      .selectFrom("tokens")
      .select("id")
      .where("id", "=", "secret\u0000value")
      .execute()
      .catch((e: unknown) => e);
    const refused = refusedValueError(err);
    expect(refused?.code).toBe(Code.InvalidArgument);
    expect(refused?.rawMessage).toBe("a text field contains a character the store cannot hold (NUL)");
    expect(refusedValueError(new Error("boom"))).toBeUndefined();
  });

  it("hides passwords in URLs it shows", () => {
    expect(redactUrl("postgresql://a:b@h:5/d?sslmode=require")).toBe(
      "postgresql://a:***@h:5/d?sslmode=require",
    );
    expect(redactUrl("postgres://h/d")).toBe("postgres://h/d");
  });
});
