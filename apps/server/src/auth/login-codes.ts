import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Role } from "./caller.js";
import { hashSecret, newSecret } from "./secret-hash.js";
import { type IssuedToken, issueToken } from "./tokens.js";

/** How long a login code stays redeemable. */
export const loginCodeTtlMs = 10 * 60 * 1000;

export interface CreateLoginCodeOptions {
  role: Role;
  /** Name of the login token the code turns into. */
  name: string;
  /** Token id of whoever minted the code. */
  createdBy: string;
}

/** Mints a single-use login code valid for 10 minutes; only its hash is stored. */
export async function createLoginCode(
  db: Kysely<Database>,
  options: CreateLoginCodeOptions,
): Promise<{ code: string; expiresAt: number }> {
  const code = newSecret("berthc_");
  const expiresAt = Date.now() + loginCodeTtlMs;
  await db
    .insertInto("login_codes")
    .values({
      hash: hashSecret(code),
      role: options.role,
      name: options.name,
      created_by: options.createdBy,
      expires_at: expiresAt,
      used_at: null,
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
      .returning(["role", "name"])
      .executeTakeFirst();
    if (!spent) return undefined;
    return issueToken(tx, { kind: "login", role: spent.role as Role, name: spent.name, ttlMs });
  });
}
