// People signed in through an OIDC provider: their identity (issuer, subject, email, groups) is kept on the
// token minted for their session and copied onto every audit event that token causes.
import type { Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("tokens").addColumn("identity_json", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("actor_identity_json", "text").execute();
}
