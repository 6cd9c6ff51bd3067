// The OIDC providers admins manage: one row each in oidc_providers; the BFF reads them on every sign-in.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely } from "kysely";
import type { Database, OidcProviderTable } from "../store/schema.js";
import type { CheckedSettings, StoredRule } from "./oidc-settings.js";

/** A stored provider, its JSON columns read. */
export interface StoredProvider extends CheckedSettings {
  id: string;
  clientSecret: string;
  rules: StoredRule[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

function fromRow(row: OidcProviderTable): StoredProvider {
  return {
    id: row.id,
    displayName: row.display_name,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    scopes: JSON.parse(row.scopes_json) as string[],
    groupsClaim: row.groups_claim,
    rules: JSON.parse(row.rules_json) as StoredRule[],
    enabled: Number(row.enabled) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const settingsColumns = (s: CheckedSettings) => ({
  display_name: s.displayName,
  issuer: s.issuer,
  client_id: s.clientId,
  scopes_json: JSON.stringify(s.scopes),
  groups_claim: s.groupsClaim,
});

/** Every provider, by id. */
export async function listProviders(db: Kysely<Database>): Promise<StoredProvider[]> {
  const rows = await db.selectFrom("oidc_providers").selectAll().orderBy("id").execute();
  return rows.map(fromRow);
}

/** One provider; NotFound names it. */
export async function getProvider(db: Kysely<Database>, id: string): Promise<StoredProvider> {
  const row = await db.selectFrom("oidc_providers").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw new ConnectError(`no sign-in provider "${id}"`, Code.NotFound);
  return fromRow(row);
}

/** Adds a provider (enabled); InvalidArgument when the id is taken. */
export async function createProvider(
  db: Kysely<Database>,
  input: { id: string; settings: CheckedSettings; clientSecret: string; rules: StoredRule[] },
): Promise<StoredProvider> {
  const now = Date.now();
  const inserted = await db
    .insertInto("oidc_providers")
    .values({
      id: input.id,
      ...settingsColumns(input.settings),
      client_secret: input.clientSecret,
      rules_json: JSON.stringify(input.rules),
      enabled: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) {
    throw new ConnectError(
      `field id: "${input.id}" is used by another sign-in provider`,
      Code.InvalidArgument,
    );
  }
  return getProvider(db, input.id);
}

/** Changes a provider's columns and its updated_at; NotFound when it is gone. */
async function updateProvider(
  db: Kysely<Database>,
  id: string,
  set: Partial<Omit<OidcProviderTable, "id" | "created_at" | "updated_at">>,
): Promise<StoredProvider> {
  const result = await db
    .updateTable("oidc_providers")
    .set({ ...set, updated_at: Date.now() })
    .where("id", "=", id)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw new ConnectError(`no sign-in provider "${id}"`, Code.NotFound);
  return getProvider(db, id);
}

/** New settings; an empty secret keeps the stored one. */
export function updateSettings(
  db: Kysely<Database>,
  id: string,
  settings: CheckedSettings,
  clientSecret: string,
): Promise<StoredProvider> {
  return updateProvider(db, id, {
    ...settingsColumns(settings),
    ...(clientSecret ? { client_secret: clientSecret } : {}),
  });
}

/** Replaces the rules, in order. */
export function setRules(db: Kysely<Database>, id: string, rules: StoredRule[]): Promise<StoredProvider> {
  return updateProvider(db, id, { rules_json: JSON.stringify(rules) });
}

/** Enables or disables a provider. */
export function setEnabled(db: Kysely<Database>, id: string, enabled: boolean): Promise<StoredProvider> {
  return updateProvider(db, id, { enabled: enabled ? 1 : 0 });
}

/** Removes a provider; NotFound when there is none. Sessions it started run until they expire or are revoked. */
export async function deleteProvider(db: Kysely<Database>, id: string): Promise<void> {
  const result = await db.deleteFrom("oidc_providers").where("id", "=", id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0)
    throw new ConnectError(`no sign-in provider "${id}"`, Code.NotFound);
}
