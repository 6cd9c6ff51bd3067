import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Role } from "./caller.js";
import { type ExternalIdentity, identityFromJson, identityToJson } from "./external-identity.js";
import { hashSecret, newSecret } from "./secret-hash.js";
import type { TokenOwner } from "./token-owner.js";
import { type IssuedToken, issueToken } from "./tokens.js";

/** How long a login code stays redeemable. */
export const loginCodeTtlMs = 10 * 60 * 1000;

export interface CreateLoginCodeOptions {
  role: Role;
  /** Name of the login token the code turns into. */
  name: string;
  /** Token id of whoever minted the code. */
  createdBy: string;
  /** Lifetime; 10 minutes when omitted. */
  ttlMs?: number;
  /** A code minted by a person for themself: its token is their personal token, with their identity. */
  owner?: TokenOwner;
  identity?: ExternalIdentity;
}

/** Mints a single-use login code (valid 10 minutes unless told otherwise); only its hash is stored. */
export async function createLoginCode(
  db: Kysely<Database>,
  options: CreateLoginCodeOptions,
): Promise<{ code: string; expiresAt: number }> {
  const code = newSecret("berthc_");
  const expiresAt = Date.now() + (options.ttlMs ?? loginCodeTtlMs);
  await db
    .insertInto("login_codes")
    .values({
      hash: hashSecret(code),
      role: options.role,
      name: options.name,
      created_by: options.createdBy,
      expires_at: expiresAt,
      used_at: null,
      owner_key: options.owner?.key ?? null,
      owner_name: options.owner?.name ?? "",
      identity_json: identityToJson(options.identity),
    })
    .execute();
  return { code, expiresAt };
}

/**
 * Exchanges a login code for a new login token. Returns undefined when the code is unknown, used or
 * expired. The code is spent atomically, so two concurrent redeems cannot both succeed.
 */
export async function redeemLoginCode(
  db: Kysely<Database>,
  code: string,
  ttlMs: number,
): Promise<IssuedToken | undefined> {
  return db.transaction().execute(async (tx) => {
    const now = Date.now();
    const spent = await tx
      .updateTable("login_codes")
      .set({ used_at: now })
      .where("hash", "=", hashSecret(code))
      .where("used_at", "is", null)
      .where("expires_at", ">", now)
      .returning(["role", "name", "owner_key", "owner_name", "identity_json"])
      .executeTakeFirst();
    if (!spent) return undefined;
    return issueToken(tx, {
      kind: "login",
      role: spent.role as Role,
      name: spent.name,
      ttlMs,
      owner: spent.owner_key ? { key: spent.owner_key, name: spent.owner_name } : undefined,
      identity: identityFromJson(spent.identity_json),
    });
  });
}
