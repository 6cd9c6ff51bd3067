// OIDC sign-in providers managed in the dashboard (admins): the BFF reads them on every sign-in. The client
// secret is kept here in clear because the server itself redeems authorization codes with it; no API returns it.
import type { Kysely } from "kysely";
import { columnTypes } from "./column-types.js";

export async function up(db: Kysely<unknown>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable("oidc_providers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("client_secret", "text", (c) => c.notNull())
    .addColumn("scopes_json", "text", (c) => c.notNull())
    .addColumn("groups_claim", "text", (c) => c.notNull())
    // [{kind: "group" | "claim_equals" | "claim_matches", claim, value, role}], in order.
    .addColumn("rules_json", "text", (c) => c.notNull())
    // 1 or 0 (a plain integer on both dialects).
    .addColumn("enabled", t.int, (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", t.int, (c) => c.notNull())
    .addColumn("updated_at", t.int, (c) => c.notNull())
    .execute();
}
