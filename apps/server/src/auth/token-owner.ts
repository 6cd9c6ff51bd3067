import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Caller } from "./caller.js";

/** The person a personal token belongs to: a stable key and the name people read. */
export interface TokenOwner {
  /** "oidc:<issuer>#<subject>" for a provider's sign-in; "token:<id>" for the token someone signed in with. */
  key: string;
  name: string;
}

/** Derived tokens are at most this deep (the same bound token verification keeps). */
const maxDepth = 8;

/**
 * Who the caller is, as an owner of personal tokens. A provider's sign-in is the person it vouched for; a
 * pasted token's session (and a CLI login derived from it) is whoever holds the token at the root of its
 * chain, or the owner that token already records (a personal token making another).
 */
export async function ownerOf(db: Kysely<Database>, caller: Caller): Promise<TokenOwner> {
  if (caller.identity) {
    const { issuer, subject, email } = caller.identity;
    return { key: `oidc:${issuer}#${subject}`, name: email || subject };
  }
  let id: string | null = caller.tokenId;
  let last = { id: caller.tokenId, name: caller.name };
  for (let depth = 0; id !== null && depth <= maxDepth; depth++) {
    const row = await db
      .selectFrom("tokens")
      .select(["id", "name", "parent_id", "owner_key", "owner_name"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) break;
    if (row.owner_key) return { key: row.owner_key, name: row.owner_name };
    last = { id: row.id, name: row.name };
    id = row.parent_id;
  }
  return { key: `token:${last.id}`, name: last.name };
}
