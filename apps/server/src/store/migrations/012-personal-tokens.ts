// Developer self-service: a personal token (and the CLI login a person's one-time code turns into) remembers
// whose it is, so people list and revoke their own and admins see everyone's. A login code carries its
// person to the token it becomes.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // "oidc:<issuer>#<subject>" or "token:<id of the token they signed in with>"; null for other tokens.
  await db.schema.alterTable("tokens").addColumn("owner_key", "text").execute();
  await db.schema
    .alterTable("tokens")
    .addColumn("owner_name", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.createIndex("tokens_owner_key").on("tokens").column("owner_key").execute();
  await db.schema.alterTable("login_codes").addColumn("owner_key", "text").execute();
  await db.schema
    .alterTable("login_codes")
    .addColumn("owner_name", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.alterTable("login_codes").addColumn("identity_json", "text").execute();
}
