import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { issueToken } from "./tokens.js";

const bootstrapKey = "bootstrap_token_issued_at";

/**
 * On the very first start of a data dir, mints an admin login token and returns its secret; on every
 * later start returns undefined. The `meta` row that records it is written in the same transaction as
 * the token, so the token is shown exactly once, also when several replicas make their first start together.
 */
export async function ensureBootstrapToken(db: Kysely<Database>): Promise<string | undefined> {
  return db.transaction().execute(async (tx) => {
    const done = await tx
      .selectFrom("meta")
      .select("value")
      .where("key", "=", bootstrapKey)
      .executeTakeFirst();
    if (done) return undefined;
    const now = String(Date.now());
    const existing = await tx.selectFrom("tokens").select("id").limit(1).executeTakeFirst();
    // Replicas starting at once on a fresh PostgreSQL store all get here: the row decides which one mints the
    // token (the others' inserts wait for its commit, then do nothing) instead of failing on the primary key.
    const inserted = await tx
      .insertInto("meta")
      .values({ key: bootstrapKey, value: now })
      .onConflict((oc) => oc.column("key").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return undefined;
    // A store that already has tokens (e.g. restored from a backup) gets no new admin token.
    if (existing) return undefined;
    const { secret } = await issueToken(tx, { kind: "login", role: "admin", name: "bootstrap" });
    return secret;
  });
}
