// Personal tokens: people make, list and revoke their own login tokens (the dashboard's tokens page);
// admins see and revoke everyone's. Ownership is the owner_key a token was minted with.
import { type PersonalToken, PersonalTokenSchema } from "@berth/proto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Kysely, Selectable } from "kysely";
import type { Database, TokenTable } from "../store/schema.js";
import { roleCovers } from "./authorize.js";
import type { Caller, Role } from "./caller.js";
import { toTokenInfo } from "./token-info.js";
import type { TokenOwner } from "./token-owner.js";
import type { TokenStreams } from "./token-streams.js";
import { type IssuedToken, issueToken, revokeToken } from "./tokens.js";

/** A listing's bound: a person (or, for admins, a team) rarely holds more live tokens than this. */
const listLimit = 500;

function toPersonalToken(row: Selectable<TokenTable>, owner: TokenOwner): PersonalToken {
  return create(PersonalTokenSchema, {
    token: toTokenInfo(row),
    owner: row.owner_name,
    mine: row.owner_key === owner.key,
  });
}

export interface CreatePersonalTokenOptions {
  name: string;
  role: Role;
  ttlMs: number;
}

/** Mints a personal token for the caller; PermissionDenied when it asks for more than the caller's role. */
export async function createPersonalToken(
  db: Kysely<Database>,
  caller: Caller,
  owner: TokenOwner,
  options: CreatePersonalTokenOptions,
): Promise<{ token: PersonalToken; issued: IssuedToken }> {
  if (!roleCovers(caller.role, options.role)) {
    throw new ConnectError(
      `field role: ${options.role} is more than your own role (${caller.role || "none"})`,
      Code.PermissionDenied,
    );
  }
  const issued = await issueToken(db, {
    kind: "login",
    role: options.role,
    name: options.name,
    ttlMs: options.ttlMs,
    owner,
    identity: caller.identity,
  });
  const row = await db
    .selectFrom("tokens")
    .selectAll()
    .where("id", "=", issued.info.id)
    .executeTakeFirstOrThrow();
  return { token: toPersonalToken(row, owner), issued };
}

/** The owner's personal tokens, newest first; every owner's with `allUsers` (the caller must be an admin). */
export async function listPersonalTokens(
  db: Kysely<Database>,
  owner: TokenOwner,
  allUsers: boolean,
): Promise<PersonalToken[]> {
  const rows = await db
    .selectFrom("tokens")
    .selectAll()
    .$if(allUsers, (q) => q.where("owner_key", "is not", null))
    .$if(!allUsers, (q) => q.where("owner_key", "=", owner.key))
    .orderBy("id", "desc")
    .limit(listLimit)
    .execute();
  return rows.map((r) => toPersonalToken(r, owner));
}

/**
 * Revokes a personal token of the owner's (any owner's for an admin). Someone else's token answers
 * NotFound, exactly as an unknown id does: ids of other people's tokens are not confirmed.
 */
export async function revokePersonalToken(
  db: Kysely<Database>,
  streams: TokenStreams,
  owner: TokenOwner,
  options: { id: string; admin: boolean },
): Promise<PersonalToken> {
  const row = await db
    .selectFrom("tokens")
    .select(["owner_key"])
    .where("id", "=", options.id)
    .where("owner_key", "is not", null)
    .executeTakeFirst();
  if (!row || (row.owner_key !== owner.key && !options.admin)) {
    throw new ConnectError("field id: you have no personal token with this id", Code.NotFound);
  }
  await revokeToken(db, streams, options.id);
  const revoked = await db
    .selectFrom("tokens")
    .selectAll()
    .where("id", "=", options.id)
    .executeTakeFirstOrThrow();
  return toPersonalToken(revoked, owner);
}
