import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Kysely } from "kysely";
import { issueToken } from "../auth/tokens.js";
import type { Database } from "../store/schema.js";

export interface TokenRenewal {
  tokenId: string;
  secret: string;
  expiresAtMs: number;
}

/**
 * Entrypoint tokens are short-lived and renewed over the session (Waypoint minted 10-year ones):
 * once less than half of a token's lifetime is left, a new one with the same lifetime is issued.
 * The old one is left to expire, so a renewal lost on a dropped connection locks nobody out.
 * Tokens without an expiry are not renewed.
 */
export async function renewTokenIfDue(
  db: Kysely<Database>,
  tokenId: string,
  deploymentId: string,
  now = Date.now(),
): Promise<TokenRenewal | undefined> {
  const row = await db.selectFrom("tokens").selectAll().where("id", "=", tokenId).executeTakeFirst();
  if (!row || row.expires_at === null || row.revoked_at !== null) return undefined;
  const lifetime = row.expires_at - row.created_at;
  if (row.expires_at - now > lifetime / 2) return undefined;
  const issued = await issueToken(db, { kind: "entrypoint", name: row.name, deploymentId, ttlMs: lifetime });
  const expiresAtMs = issued.info.expiresAt ? timestampMs(issued.info.expiresAt) : Date.now() + lifetime;
  return { tokenId: issued.info.id, secret: issued.secret, expiresAtMs };
}
