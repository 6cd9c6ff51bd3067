// People signed in through an OIDC provider: their identity (issuer, subject, email, groups) is kept on the
// token minted for their session and copied onto every audit event that token causes. Every token also
// remembers when it was last used (the dashboard's users and sessions page).
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tokens").addColumn("identity_json", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("actor_identity_json", "text").execute();
  await db.schema.alterTable("tokens").addColumn("last_used_at", columnTypes(db).int).execute();
}
